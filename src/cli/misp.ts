// `sanad misp …`: the operator imports MISP JSON files for a team and exports events as MISP JSON.
import fs from 'node:fs';
import { once } from 'node:events';
import { Option, type Command } from 'commander';
import { TLP_LEVELS, type Tlp } from '../domain/handling.ts';
import { openMispEvent } from '../features/exchange/misp/export.ts';
import { DEFAULT_MISP_DISTRIBUTION, DEFAULT_MISP_TLP, importMisp } from '../features/exchange/misp/service.ts';
import { findOrganisation } from '../features/organisations/service.ts';
import { systemViewer } from '../policy/viewer.ts';
import { operator, withApp } from './context.ts';
import { progressLine } from './progress.ts';

const DISTRIBUTIONS = ['organisation', 'community', 'federation'] as const;

export function registerMispCommands(program: Command): void {
  const misp = program.command('misp').description('MISP JSON in and out');

  misp
    .command('import <file>')
    .description('import the events of a MISP JSON file of any size ({"response": [...]}, {"Event": …}, an event or a list); all or nothing')
    .requiredOption('--org <ref>', 'owning organisation (id or short name)')
    .addOption(new Option('--tlp <level>', 'TLP of events without a tlp: tag').choices(TLP_LEVELS).default(DEFAULT_MISP_TLP))
    .addOption(new Option('--distribution <scope>', 'distribution of events that state none').choices(DISTRIBUTIONS).default(DEFAULT_MISP_DISTRIBUTION))
    .action(async (file: string, o: { org: string; tlp: Tlp; distribution: (typeof DISTRIBUTIONS)[number] }, command: Command) => {
      const size = fs.statSync(file).size;
      const started = Date.now();
      await withApp(command, async (ctx) => {
        const owner = await findOrganisation(ctx, systemViewer('cli misp import'), o.org);
        const result = await importMisp(ctx, operator('misp import'), fs.createReadStream(file), {
          ownerOrgId: owner.id,
          defaultTlp: o.tlp,
          defaultDistribution: o.distribution,
          onProgress: ({ bytes, events, attributes }) => {
            progressLine(`importing ${file}: ${Math.round((100 * bytes) / Math.max(size, 1))}% · ${events} events · ${attributes} attributes`);
          },
        });
        if (process.stderr.isTTY) process.stderr.write('\n');
        for (const item of result.items) {
          const what = item.outcome === 'skipped' ? `skipped (${item.reason ?? ''})` : `${item.outcome} ${item.id ?? ''} with ${item.attributes} attributes`;
          console.log(`event ${item.index} ${item.uuid ?? '(no uuid)'} "${item.info}": ${what}`);
          for (const note of item.notes) console.log(`  note: ${note}`);
        }
        console.log(
          `${result.events} events: ${result.created} created, ${result.updated} updated, ${result.skipped} skipped; ` +
            `${result.attributes} attributes, ${result.objects} objects, ${result.sightings} sightings in ${((Date.now() - started) / 1000).toFixed(2)} s`,
        );
      });
    });

  misp
    .command('export <event-id>')
    .description('write one event to stdout as MISP JSON ({"Event": …})')
    .action(async (eventId: string, _o: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        const chunks = await openMispEvent(ctx, systemViewer('cli misp export'), eventId);
        for await (const chunk of chunks) {
          if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
        }
      });
    });
}
