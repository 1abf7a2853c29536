// `sanad warninglist …`: the operator loads MISP-format warninglists from files.
import fs from 'node:fs';
import type { Command } from 'commander';
import { listWarninglists, loadWarninglist } from '../features/warninglists/service.ts';
import { systemViewer } from '../policy/viewer.ts';
import { Invalid } from '../domain/errors.ts';
import { operator, printTable, withApp } from './context.ts';

export function registerIntelCommands(program: Command): void {
  const warninglist = program.command('warninglist').description('lists of known-benign values that flag (not drop) matching indicators');
  warninglist
    .command('load <file>')
    .description('load or replace (by name) a MISP-format warninglist (list.json)')
    .action(async (file: string, _o: unknown, command: Command) => {
      let json: unknown;
      try {
        json = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (error) {
        throw new Invalid('file', `${file} is not readable JSON (${error instanceof Error ? error.message : String(error)})`);
      }
      await withApp(command, async (ctx) => {
        const loaded = await loadWarninglist(ctx, operator('warninglist load'), json);
        console.log(`loaded warninglist "${loaded.name}" version ${loaded.version}: ${loaded.entries} ${loaded.type} entries`);
      });
    });
  warninglist
    .command('list')
    .description('list shipped and loaded warninglists')
    .action(async (_o: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        const lists = await listWarninglists(ctx, systemViewer('cli warninglist list'));
        printTable(lists.map((l) => ({ name: l.name, type: l.type, entries: l.entries, source: l.source, enabled: l.enabled ? 'yes' : 'no' })));
      });
    });
}
