import type { Command } from 'commander';
import { verifyAuditChain } from '../features/audit/service.ts';
import { withApp } from './context.ts';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('verify')
    .description('check the hash chain; exits 1 when an entry was changed, removed or reordered')
    .action(async (_o: unknown, command: Command) => {
      const result = await withApp(command, (ctx) => verifyAuditChain(ctx.store.db));
      if (result.ok) {
        console.log(`audit log intact: ${result.entries} entries, head ${result.headSeq} ${result.headHash}`);
        return;
      }
      console.error(`audit log BROKEN at entry ${result.problem!.seq}: ${result.problem!.reason}`);
      console.error(`verified intact up to entry ${result.headSeq}`);
      process.exitCode = 1;
    });
}
