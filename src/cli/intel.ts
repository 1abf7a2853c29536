// `sanad import`, `sanad export` and `sanad warninglist …`: intelligence in and out of files.
import fs from 'node:fs';
import { once } from 'node:events';
import { Option, type Command } from 'commander';
import { DOCUMENT_FORMATS, importDocument, PROGRESS_UNITS, type DocumentFormat } from '../features/exchange/door.ts';
import { DISTRIBUTIONS, TLP_LEVELS, type Distribution, type Tlp } from '../domain/handling.ts';
import { EXPORT_FORMATS, openExport, type ExportFormat } from '../features/intel/export.ts';
import { findOrganisation } from '../features/organisations/service.ts';
import { listWarninglists, loadWarninglist } from '../features/warninglists/service.ts';
import { systemViewer } from '../policy/viewer.ts';
import { Invalid } from '../domain/errors.ts';
import { operator, printTable, withApp } from './context.ts';
import { progressLine } from './progress.ts';


export function registerIntelCommands(program: Command): void {
  program
    .command('import <file>')
    .description('import a file of any size, recognised by its content: a Sanad event, a STIX 2.1 bundle, MISP event JSON or a CSAF 2.0 advisory (streamed; all or nothing)')
    .requiredOption('--org <ref>', 'owning organisation (id or short name)')
    .addOption(new Option('--tlp <tlp>', 'handling of what the file does not mark itself (STIX, MISP, CSAF)').choices([...TLP_LEVELS]))
    .addOption(new Option('--distribution <distribution>', 'who receives it (STIX, MISP, CSAF)').choices([...DISTRIBUTIONS]))
    .option('--sharing-group <id>', 'the sharing group, with --distribution sharing_group')
    .addOption(new Option('--format <format>', 'refuse a file of any other format').choices([...DOCUMENT_FORMATS]))
    .action(async (file: string, o: { org: string; tlp?: Tlp; distribution?: Distribution; sharingGroup?: string; format?: DocumentFormat }, command: Command) => {
      const size = fs.statSync(file).size;
      const started = Date.now();
      await withApp(command, async (ctx) => {
        const owner = await findOrganisation(ctx, systemViewer('cli import'), o.org);
        let unit = 'records';
        const result = await importDocument(ctx, operator('import'), fs.createReadStream(file), {
          ownerOrgId: owner.id,
          tlp: o.tlp,
          distribution: o.distribution,
          sharingGroupId: o.sharingGroup,
          format: o.format,
          onProgress: ({ bytes, items }) => {
            const seconds = (Date.now() - started) / 1000;
            progressLine(`importing ${file}: ${Math.round((100 * bytes) / Math.max(size, 1))}% · ${items} ${unit} · ${Math.round(items / Math.max(seconds, 0.001))}/s`);
          },
          onFormat: (format) => {
            unit = PROGRESS_UNITS[format];
          },
        });
        if (process.stderr.isTTY) process.stderr.write('\n');
        const seconds = ((Date.now() - started) / 1000).toFixed(2);
        if (result.format === 'sanad') {
          console.log(`imported event ${result.ids[0]} "${result.title}" with ${result.summary.indicators} indicators in ${seconds} s`);
        } else {
          const counts = Object.entries(result.summary).map(([key, value]) => `${key} ${value}`).join(', ');
          console.log(`imported ${result.format.toUpperCase()}: ${counts} in ${seconds} s`);
          for (const id of result.ids) console.log(id);
        }
        for (const warning of result.warnings) console.error(`warning: ${warning}`);
      });
    });

  program
    .command('export')
    .description('stream every indicator to stdout (csv, text: one value per line, or json)')
    .addOption(new Option('--format <format>').choices(EXPORT_FORMATS).default('csv'))
    .option('--type <type>', 'only this indicator type (e.g. url, ip-dst)')
    .option('--event <id>', 'only this event')
    .action(async (o: { format: ExportFormat; type?: string; event?: string }, command: Command) => {
      await withApp(command, async (ctx) => {
        const chunks = await openExport(ctx, operator('export'), {
          format: o.format,
          type: o.type,
          eventId: o.event,
          onProgress: (rows) => progressLine(`exported ${rows} indicators`),
        });
        for await (const chunk of chunks) {
          if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
        }
        if (process.stderr.isTTY) process.stderr.write('\n');
      });
    });

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
        const loaded = await loadWarninglist(ctx, operator('warninglist load'), json, ({ checked }) => progressLine(`re-checking stored indicators: ${checked}`));
        console.log(`loaded warninglist "${loaded.name}" version ${loaded.version}: ${loaded.entries} ${loaded.type} entries`);
        console.log(`re-checked ${loaded.rescan?.checked ?? 0} stored indicators: ${loaded.rescan?.changed ?? 0} flags changed`);
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
