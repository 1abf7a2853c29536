// `sanad feed …`: the operator adds, lists, pulls, enables, disables and removes teams' feeds. A pull
// run here takes the same lease in the database as the server's schedule, so the two never overlap.
import { Argument, Option, type Command } from 'commander';
import { Invalid } from '../domain/errors.ts';
import { DISTRIBUTIONS, PAP_LEVELS, TLP_LEVELS, type Distribution, type Pap, type Tlp } from '../domain/handling.ts';
import { pullFeedNow } from '../features/exchange/feeds/puller.ts';
import { FEED_KINDS, MIN_INTERVAL_MINUTES, type CredentialsInput, type Feed, type FeedKind } from '../features/exchange/feeds/schemas.ts';
import { createFeed, deleteFeed, findFeed, listFeeds, updateFeed } from '../features/exchange/feeds/service.ts';
import { findOrganisation } from '../features/organisations/service.ts';
import { operator, printTable, withApp } from './context.ts';
import { progressLine } from './progress.ts';

interface AddOptions {
  org: string;
  name?: string;
  collection?: string;
  column?: string;
  typeColumn?: string;
  delimiter?: string;
  header?: boolean;
  tlp: Tlp;
  pap: Pap;
  distribution: Distribution;
  sharingGroup?: string;
  publish?: boolean;
  interval: string;
  apiKey?: string;
  user?: string;
  password?: string;
  authHeader?: string;
  disabled?: boolean;
}

function positiveInteger(text: string, field: string, minimum = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) throw new Invalid(field, `must be a whole number of at least ${minimum}`);
  return value;
}

/** --api-key goes as a TAXII server expects it (HTTP Basic password) or as a bearer token. */
function credentialsFrom(kind: FeedKind, o: AddOptions): CredentialsInput | undefined {
  const given = [o.apiKey !== undefined, o.password !== undefined, o.authHeader !== undefined].filter(Boolean).length;
  if (given > 1) throw new Invalid('credentials', 'give one of --api-key, --password or --auth-header');
  if (o.apiKey !== undefined) return kind === 'taxii' ? { type: 'basic', password: o.apiKey } : { type: 'bearer', token: o.apiKey };
  if (o.password !== undefined) return { type: 'basic', password: o.password, ...(o.user !== undefined ? { username: o.user } : {}) };
  if (o.authHeader !== undefined) {
    const match = /^([A-Za-z0-9-]+):\s*(.+)$/.exec(o.authHeader);
    if (!match) throw new Invalid('auth-header', 'write it as "Name: value"');
    return { type: 'header', name: match[1]!, value: match[2]! };
  }
  if (o.user !== undefined) throw new Invalid('user', 'goes with --password');
  return undefined;
}

function when(iso: string | null): string {
  return iso ? iso.slice(0, 19).replace('T', ' ') : '-';
}

function printFeed(feed: Feed): void {
  const s = feed.state;
  console.log(`${feed.name}  (${feed.id})`);
  console.log(`  ${feed.kind} ${feed.url}${feed.collectionId ? ` collection ${feed.collectionId}` : ''}${feed.csv ? ` column ${feed.csv.valueColumn}${feed.csv.typeColumn ? `, type column ${feed.csv.typeColumn}` : ''}` : ''}`);
  console.log(`  team ${feed.orgName} · TLP:${feed.tlp} · PAP:${feed.pap} · ${feed.distribution}${feed.publish ? ' · published' : ''} · every ${feed.intervalMinutes} min · ${feed.enabled ? 'enabled' : 'disabled'} · credentials ${feed.credentials.set ? feed.credentials.type : 'none'}`);
  console.log(`  ${s.status} · started ${when(s.startedAt)} · finished ${when(s.finishedAt)} · last success ${when(s.lastSuccessAt)} · next ${when(s.nextPullAt)}`);
  console.log(`  ${s.counts.events} events, ${s.counts.indicators} indicators, ${s.counts.objects} objects, ${s.counts.skipped} skipped, ${s.counts.invalid} invalid${s.cursor ? ` · ${s.cursor}` : ''}`);
  if (s.lastError) console.log(`  last error: ${s.lastError}`);
  for (const note of s.notes) console.log(`  note: ${note}`);
}

export function registerFeedCommands(program: Command): void {
  const feed = program.command('feed').description("teams' feeds: remote TAXII collections, MISP feeds, CSV and free-text files pulled on a schedule");

  feed
    .command('add')
    .description('add a feed for a team (its host must be in SANAD_FEED_HOSTS)')
    .addArgument(new Argument('<kind>', 'what the remote serves').choices(FEED_KINDS))
    .argument('<url>', 'taxii: the API root; misp: the feed directory; csv, freetext: the file')
    .requiredOption('--org <ref>', 'owning organisation (id or short name)')
    .option('--name <name>', 'a name unique within the team (default: the kind and the address)')
    .option('--collection <id>', 'taxii: the collection to pull')
    .option('--column <n>', 'csv: the column of the value, counted from 1')
    .option('--type-column <n>', 'csv: the column of its type (default: recognised from the value)')
    .option('--delimiter <c>', 'csv: the delimiter', ',')
    .option('--header', 'csv: the first line names the columns')
    .addOption(new Option('--tlp <level>', 'TLP of what it brings').choices(TLP_LEVELS).default('AMBER'))
    .addOption(new Option('--pap <level>', 'PAP of what it brings').choices(PAP_LEVELS).default('AMBER'))
    .addOption(new Option('--distribution <scope>').choices(DISTRIBUTIONS).default('organisation'))
    .option('--sharing-group <id>', 'with --distribution sharing_group')
    .option('--publish', 'publish the events pulls write (default: the team reviews them first)')
    .option('--interval <minutes>', `minutes between pulls (at least ${MIN_INTERVAL_MINUTES})`, '60')
    .option('--api-key <key>', 'taxii: sent as the HTTP Basic password; others: as a bearer token')
    .option('--user <name>', 'HTTP Basic user name, with --password')
    .option('--password <password>', 'HTTP Basic password')
    .option('--auth-header <header>', 'one header sent as is, e.g. "Authorization: <MISP key>"')
    .option('--disabled', 'add it without pulling it on schedule yet')
    .action(async (kind: FeedKind, url: string, o: AddOptions, command: Command) => {
      await withApp(command, async (ctx) => {
        const actor = operator('feed add');
        const owner = await findOrganisation(ctx, actor.viewer, o.org);
        const created = await createFeed(ctx, actor, {
          kind,
          url,
          orgId: owner.id,
          ...(o.name !== undefined ? { name: o.name } : {}),
          ...(o.collection !== undefined ? { collectionId: o.collection } : {}),
          ...(kind === 'csv' || o.column !== undefined
            ? {
                csv: {
                  valueColumn: positiveInteger(o.column ?? '', 'column'),
                  ...(o.typeColumn !== undefined ? { typeColumn: positiveInteger(o.typeColumn, 'type-column') } : {}),
                  ...(o.delimiter !== undefined ? { delimiter: o.delimiter } : {}),
                  header: o.header === true,
                },
              }
            : {}),
          tlp: o.tlp,
          pap: o.pap,
          distribution: o.distribution,
          ...(o.sharingGroup !== undefined ? { sharingGroupId: o.sharingGroup } : {}),
          publish: o.publish === true,
          enabled: o.disabled !== true,
          intervalMinutes: positiveInteger(o.interval, 'interval', MIN_INTERVAL_MINUTES),
          credentials: credentialsFrom(kind, o) ?? null,
        });
        console.log(`added feed "${created.name}" (${created.id}) for ${created.orgName}; ${created.enabled ? `pulled every ${created.intervalMinutes} min by the server, or now with: sanad feed pull ${created.id}` : 'disabled'}`);
      });
    });

  feed
    .command('list')
    .description('every feed with the state of its pulls')
    .option('--org <ref>', "only this organisation's feeds (id or short name)")
    .action(async (o: { org?: string }, command: Command) => {
      await withApp(command, async (ctx) => {
        const viewer = operator('feed list').viewer;
        const org = o.org ? await findOrganisation(ctx, viewer, o.org) : undefined;
        const items = (await listFeeds(ctx, viewer)).filter((f) => !org || f.orgId === org.id);
        printTable(
          items.map((f) => ({
            id: f.id,
            name: f.name,
            team: f.orgName,
            kind: f.kind,
            enabled: f.enabled ? 'yes' : 'no',
            status: f.state.status,
            'last pull': when(f.state.finishedAt ?? f.state.startedAt),
            'next pull': when(f.state.nextPullAt),
            'events/indicators/skipped/invalid': `${f.state.counts.events}/${f.state.counts.indicators}/${f.state.counts.skipped}/${f.state.counts.invalid}`,
            'last error': (f.state.lastError ?? '').slice(0, 80),
          })),
        );
      });
    });

  feed
    .command('show <feed>')
    .description('one feed (id or name) with its settings, state and the notes of its last pull')
    .action(async (ref: string, _o: unknown, command: Command) => {
      await withApp(command, async (ctx) => printFeed(await findFeed(ctx, operator('feed show').viewer, ref)));
    });

  feed
    .command('pull <feed>')
    .description('pull a feed (id or name) now, showing progress; refused while another pull of it runs')
    .action(async (ref: string, _o: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        const actor = operator('feed pull');
        const found = await findFeed(ctx, actor.viewer, ref);
        const started = Date.now();
        const outcome = await pullFeedNow(ctx, actor, found.id, {
          onProgress: (p) => progressLine(`pulling ${found.name}: ${p.phase} · ${p.events} events · ${p.indicators} indicators · ${p.skipped} skipped · ${p.invalid} invalid`),
        });
        if (process.stderr.isTTY) process.stderr.write('\n');
        const c = outcome.counts;
        console.log(`${found.name}: ${outcome.status} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${c.events} events, ${c.indicators} indicators, ${c.objects} objects, ${c.skipped} skipped, ${c.invalid} invalid`);
        for (const note of outcome.notes) console.log(`  note: ${note}`);
        if (outcome.error) {
          console.error(`error: ${outcome.error}`);
          process.exitCode = 2;
        }
      });
    });

  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    feed
      .command(`${name} <feed>`)
      .description(`${name} a feed's scheduled pulls (id or name)`)
      .action(async (ref: string, _o: unknown, command: Command) => {
        await withApp(command, async (ctx) => {
          const actor = operator(`feed ${name}`);
          const found = await findFeed(ctx, actor.viewer, ref);
          const updated = await updateFeed(ctx, actor, found.id, { enabled });
          console.log(`feed "${updated.name}" ${updated.enabled ? `enabled; next pull ${when(updated.state.nextPullAt)}` : 'disabled'}`);
        });
      });
  }

  feed
    .command('remove <feed>')
    .description('remove a feed (id or name); the events it brought stay with the team')
    .action(async (ref: string, _o: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        const actor = operator('feed remove');
        const found = await findFeed(ctx, actor.viewer, ref);
        await deleteFeed(ctx, actor, found.id);
        console.log(`removed feed "${found.name}" (${found.id})`);
      });
    });

}
