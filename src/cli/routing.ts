// `sanad routing …`: load the registries' statistics and check where a value would be routed.
import fs from 'node:fs';
import type { Command } from 'commander';
import { loadRirStatistics, routeValues } from '../features/routing/service.ts';
import { operator, withApp } from './context.ts';
import { progressLine } from './progress.ts';

export function registerRoutingCommands(program: Command): void {
  const routing = program.command('routing').description('finding the team responsible for an address, AS number or domain');
  routing
    .command('load <files...>')
    .description("load RIR delegated-extended statistics files (replacing earlier data of the same registries)")
    .action(async (files: string[], _o: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        for (const file of files) {
          const result = await loadRirStatistics(ctx, operator('routing load'), fs.createReadStream(file), ({ phase, count }) =>
            progressLine(`${file}: ${phase === 'read' ? 'read' : 'stored'} ${count} ${phase === 'read' ? 'lines' : 'registrations'}`),
          );
          if (process.stderr.isTTY) process.stderr.write('\n');
          console.log(`${file}: ${result.registrations} registrations of ${result.registries.join(', ')}`);
        }
      });
    });
  routing
    .command('test <value>')
    .description('show the team(s) a value routes to, which source decided, and any conflict')
    .option('--type <type>', 'indicator type (recognised from the value when left out)')
    .option('--country <code>', 'a country the report names (the last resort)')
    .action(async (value: string, o: { type?: string; country?: string }, command: Command) => {
      await withApp(command, async (ctx) => {
        const [result] = await routeValues(ctx, operator('routing test').viewer, [{ value, type: o.type, country: o.country }], 'value');
        console.log(`${result!.value} (${result!.type ?? 'unrecognised'})`);
        if (result!.teams.length === 0) console.log(`no team: ${result!.reason ?? 'no match'}`);
        for (const team of result!.teams) console.log(`  ${team.name} [${team.country ?? '--'}] via ${team.source}: ${team.detail}`);
        console.log(`decided by: ${result!.decidedBy ?? 'nothing'}${result!.conflicts ? ' (conflict: several teams named, share with all)' : ''}`);
        if (result!.countries.length) console.log(`countries: ${result!.countries.join(', ')}`);
      });
    });
}
