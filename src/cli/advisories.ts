// `sanad advisory …`: the operator's view of security advisories, CSAF 2.0 export to a file and
// import of CSAF documents for a team.
import fs from 'node:fs';
import { Option, type Command } from 'commander';
import { Invalid } from '../domain/errors.ts';
import { collectPages } from '../domain/cursor.ts';
import { DISTRIBUTIONS, TLP_LEVELS, type Distribution, type Tlp } from '../domain/handling.ts';
import { exportAdvisory, findAdvisory, importCsaf, listAdvisories, listAdvisoryVersions } from '../features/advisories/service.ts';
import { findOrganisation } from '../features/organisations/service.ts';
import { operator, printTable, withApp } from './context.ts';

function readDocument(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Invalid('file', `${file} is not readable JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

export function registerAdvisoryCommands(program: Command): void {
  const advisory = program.command('advisory').description('security advisories: list, show, CSAF 2.0 export and import');
  advisory
    .command('list')
    .description('advisories, most recently changed first')
    .option('--org <ref>', 'only advisories of this organisation (id or short name)')
    .addOption(new Option('--state <state>', 'only drafts or only published advisories').choices(['draft', 'published']))
    .action(async (o: { org?: string; state?: 'draft' | 'published' }, command: Command) => {
      await withApp(command, async (ctx) => {
        const viewer = operator('advisory list').viewer;
        const org = o.org ? await findOrganisation(ctx, viewer, o.org) : undefined;
        const items = await collectPages((cursor) => listAdvisories(ctx, viewer, { orgId: org?.id, state: o.state, limit: 500, cursor }));
        printTable(
          items.map((a) => ({ tracking: a.trackingId ?? '-', version: a.version, state: a.state, tlp: a.tlp, category: a.category, owner: a.ownerOrgName, id: a.id, title: a.title })),
        );
      });
    });
  advisory
    .command('show <ref>')
    .description('one advisory by id or tracking id, with its versions')
    .action(async (ref: string, _o: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        const viewer = operator('advisory show').viewer;
        const a = await findAdvisory(ctx, viewer, ref);
        console.log(`${a.trackingId ?? '(not yet published)'}  ${a.title}`);
        console.log(`  id ${a.id} · ${a.category} · ${a.state} · version ${a.version} (${a.trackingStatus}) · TLP:${a.tlp} · ${a.distribution} · ${a.source}`);
        console.log(`  owner ${a.ownerOrgName} · first released ${a.initialReleaseDate ?? '-'} · current ${a.currentReleaseDate ?? '-'}${a.pendingChanges ? ' · unpublished changes' : ''}`);
        for (const v of a.vulnerabilities) {
          const scores = (v.scores ?? []).map((s) => `${s.baseScore ?? '?'} ${s.vector}`).join(', ');
          console.log(`  ${v.cve ?? v.title ?? 'vulnerability'}${scores ? ` · CVSS ${scores}` : ''}`);
        }
        const versions = await listAdvisoryVersions(ctx, viewer, a.id);
        if (versions.length) {
          console.log('versions:');
          printTable(versions.map((v) => ({ number: v.number, tracking: v.trackingVersion, status: v.status, published: v.publishedAt, summary: v.summary })));
        }
      });
    });
  advisory
    .command('export <ref>')
    .description('the CSAF 2.0 document of an advisory (the latest version unless --revision)')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--revision <n>', 'a published version number')
    .option('--raise-red', 'label TLP:AMBER+STRICT as RED (CSAF 2.0 cannot express it; refused otherwise)')
    .action(async (ref: string, o: { out?: string; revision?: string; raiseRed?: boolean }, command: Command) => {
      const version = o.revision === undefined ? undefined : Number.parseInt(o.revision, 10);
      if (version !== undefined && !(version > 0)) throw new Invalid('revision', 'must be a positive number');
      await withApp(command, async (ctx) => {
        const viewer = operator('advisory export').viewer;
        const a = await findAdvisory(ctx, viewer, ref);
        const document = await exportAdvisory(ctx, viewer, a.id, { version, raise: o.raiseRed ? 'red' : undefined });
        const text = `${JSON.stringify(document, null, 2)}\n`;
        if (o.out) {
          fs.writeFileSync(o.out, text);
          console.error(`wrote ${document.document.tracking.id} version ${document.document.tracking.version} to ${o.out}`);
        } else {
          process.stdout.write(text);
        }
      });
    });
  advisory
    .command('import <file>')
    .description('import a CSAF 2.0 document (schema and mandatory tests must pass) as published by a team')
    .requiredOption('--org <ref>', 'importing organisation (id or short name)')
    .addOption(new Option('--tlp <tlp>', "handling (default: the document's label, AMBER when it has none)").choices(TLP_LEVELS))
    .addOption(new Option('--distribution <scope>', 'default: community (organisation for TLP:RED)').choices(DISTRIBUTIONS.filter((d) => d !== 'sharing_group')))
    .action(async (file: string, o: { org: string; tlp?: Tlp; distribution?: Distribution }, command: Command) => {
      const document = readDocument(file);
      await withApp(command, async (ctx) => {
        const actor = operator('advisory import');
        const owner = await findOrganisation(ctx, actor.viewer, o.org);
        const { advisory: a, version } = await importCsaf(ctx, actor, document, { ownerOrgId: owner.id, tlp: o.tlp, distribution: o.distribution });
        console.log(`imported ${a.trackingId} version ${version} for ${owner.shortName} as TLP:${a.tlp} (${a.distribution}): advisory ${a.id}`);
      });
    });
}
