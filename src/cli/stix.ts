// `sanad stix export EVENT`: an event as a STIX 2.1 bundle on stdout (import goes through `sanad import`).
import { once } from 'node:events';
import type { Command } from 'commander';
import { openStixExport, type StixExportCounts } from '../features/exchange/stix/export.ts';
import { operator, withApp } from './context.ts';

export function registerStixCommands(program: Command): void {
  const stix = program.command('stix').description('STIX 2.1 out (in: sanad import)');
  stix
    .command('export <event-id>')
    .description('write one event to stdout as a STIX 2.1 bundle, streamed')
    .action(async (eventId: string, _o: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        const counts: StixExportCounts = { objects: 0, notExpressible: 0 };
        for await (const chunk of await openStixExport(ctx, operator('stix export'), eventId, counts)) {
          if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
        }
        console.error(`exported ${counts.objects} STIX objects${counts.notExpressible ? ` (${counts.notExpressible} indicators of types STIX cannot express left out)` : ''}`);
      });
    });
}
