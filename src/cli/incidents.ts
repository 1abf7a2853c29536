// `sanad incident …`: the operator's view of incidents, and bulk import from CSV or JSON.
import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { Invalid } from '../domain/errors.ts';
import { INCIDENT_STATUSES, SEVERITIES } from '../domain/incidents/lifecycle.ts';
import { TLP_LEVELS } from '../domain/handling.ts';
import { importIncidents, incidentsFromCsv, incidentsFromJson } from '../features/incidents/import.ts';
import { createIncident, findIncident, listIncidents, listObservables } from '../features/incidents/service.ts';
import { findOrganisation } from '../features/organisations/service.ts';
import { deliverDue, listOutbox, retryNow } from '../features/notifications/delivery.ts';
import { operator, printTable, withApp } from './context.ts';
import { progressLine } from './progress.ts';

export function registerIncidentCommands(program: Command): void {
  const incident = program.command('incident').description('incidents: list, show, create, import');
  incident
    .command('list')
    .description('incidents, most recently changed first')
    .addOption(new Option('--status <status>', 'only this status').choices([...INCIDENT_STATUSES]))
    .option('--org <ref>', 'only incidents owned by this organisation (id or short name)')
    .option('--q <text>', 'search reference, title, description and observables')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (o: { status?: string; org?: string; q?: string; limit: string }, command: Command) => {
      await withApp(command, async (ctx) => {
        const viewer = operator('incident list').viewer;
        const org = o.org ? await findOrganisation(ctx, viewer, o.org) : undefined;
        const limit = Number.parseInt(o.limit, 10);
        if (!(limit > 0)) throw new Invalid('limit', 'must be a positive number');
        const items = [];
        let cursor: string | undefined;
        do {
          const page = await listIncidents(ctx, viewer, { status: o.status as never, org: org?.id, q: o.q, limit: Math.min(200, limit - items.length), cursor });
          items.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor && items.length < limit);
        printTable(items.map((i) => ({ reference: i.reference, status: i.status, severity: i.severity, class: i.rsitType ? `${i.classification}/${i.rsitType}` : i.classification, owner: i.owner.name, overdue: i.overdue ? 'yes' : 'no', title: i.title })));
      });
    });
  incident
    .command('show <ref>')
    .description('one incident by reference or id, with its observables and coordination')
    .action(async (ref: string, _o: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        const viewer = operator('incident show').viewer;
        const i = await findIncident(ctx, viewer, ref);
        console.log(`${i.reference}  ${i.title}`);
        console.log(`  status ${i.status} · severity ${i.severity} · ${i.rsitTag} · TLP:${i.tlp} · PAP:${i.pap}`);
        console.log(`  owner ${i.owner.name} · reporter ${i.reporter.name} (${i.reporter.kind}) · opened ${i.openedAt}`);
        console.log(`  SLA acknowledge ${i.sla.acknowledge.state} (due ${i.sla.acknowledge.dueAt}) · first response ${i.sla.firstResponse.state} · resolve ${i.sla.resolve.state} (due ${i.sla.resolve.dueAt})`);
        if (i.description) console.log(`\n${i.description}\n`);
        const observables = await listObservables(ctx, viewer, i.id);
        if (observables.length) {
          console.log('observables:');
          printTable(observables.map((x) => ({ type: x.type, value: x.value, routed: x.routing.teams.map((t) => t.name).join(', ') || '-', 'decided by': x.routing.decidedBy ?? x.routing.reason ?? '', intel: x.intel.matches })));
        }
        if (i.coordination.length) {
          console.log('coordination:');
          printTable(i.coordination.map((c) => ({ team: c.orgName, status: c.status, action: c.action, reason: c.reason ?? '' })));
        }
      });
    });
  incident
    .command('create')
    .description('open an incident for a team')
    .requiredOption('--org <ref>', 'owning organisation (id or short name)')
    .requiredOption('--title <text>', 'title')
    .requiredOption('--classification <class>', 'RSIT class, e.g. fraud')
    .option('--type <type>', 'RSIT type, e.g. phishing')
    .addOption(new Option('--severity <severity>').choices(SEVERITIES).default('medium'))
    .addOption(new Option('--tlp <tlp>').choices(TLP_LEVELS).default('AMBER'))
    .option('--description <text>', 'description')
    .option('--observable <value...>', 'observables (type recognised from the value)')
    .action(async (o: { org: string; title: string; classification: string; type?: string; severity: (typeof SEVERITIES)[number]; tlp: (typeof TLP_LEVELS)[number]; description?: string; observable?: string[] }, command: Command) => {
      await withApp(command, async (ctx) => {
        const owner = await findOrganisation(ctx, operator('incident create').viewer, o.org);
        const created = await createIncident(
          ctx,
          operator('incident create'),
          { title: o.title, classification: o.classification, rsitType: o.type ?? null, severity: o.severity, tlp: o.tlp, description: o.description ?? '', observables: (o.observable ?? []).map((value) => ({ value })) },
          { ownerOrgId: owner.id },
        );
        console.log(created.reference);
      });
    });
  incident
    .command('import <file>')
    .description('open many incidents from a CSV file (header row) or a JSON array; all checked before any is written')
    .requiredOption('--org <ref>', 'owning organisation (id or short name)')
    .addOption(new Option('--format <format>', 'csv or json (default: from the file extension)').choices(['csv', 'json']))
    .action(async (file: string, o: { org: string; format?: 'csv' | 'json' }, command: Command) => {
      const format = o.format ?? (path.extname(file).toLowerCase() === '.csv' ? 'csv' : 'json');
      const text = fs.readFileSync(file, 'utf8');
      const records = format === 'csv' ? incidentsFromCsv(text) : incidentsFromJson(text);
      await withApp(command, async (ctx) => {
        const owner = await findOrganisation(ctx, operator('incident import').viewer, o.org);
        const { references } = await importIncidents(ctx, operator('incident import'), records, {
          ownerOrgId: owner.id,
          // CSV line numbers count the header as line 1.
          label: (i) => (format === 'csv' ? `line ${i + 2}` : `[${i}]`),
          onProgress: (done, total) => progressLine(`imported ${done}/${total} incidents`),
        });
        if (process.stderr.isTTY) process.stderr.write('\n');
        console.log(`imported ${references.length} incidents: ${references[0]} … ${references.at(-1)}`);
      });
    });

  const notifications = program.command('notifications').description('the outbox of e-mail and webhook notices');
  notifications
    .command('list')
    .description('notices waiting or failed, with their last error')
    .option('--all', 'include sent notices')
    .action(async (o: { all?: boolean }, command: Command) => {
      await withApp(command, async (ctx) => {
        printTable((await listOutbox(ctx, { includeSent: o.all === true })).map((n) => ({ status: n.status, channel: n.channel, to: n.target, attempts: n.attempts, next: n.nextAttemptAt ?? '', error: n.lastError ?? '', subject: n.subject })));
      });
    });
  notifications
    .command('retry')
    .description('send waiting and failed notices now')
    .action(async (_o: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        const queued = await retryNow(ctx);
        const report = await deliverDue(ctx, { limit: 10_000 });
        console.log(`retried ${queued}: ${report.sent} sent, ${report.retrying} to retry, ${report.failed} failed`);
      });
    });
}
