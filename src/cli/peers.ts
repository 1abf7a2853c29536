// `sanad peer …`: the operator links this node with other Sanad nodes, checks the link and reads a
// peer's signed directory. Learned organisations are shown, not stored: storing them is the sync's work.
import type { Command } from 'commander';
import { readNodeInfo } from '../features/node/service.ts';
import { checkPeerLink, createPeer, deletePeer, fetchPeerDirectory, findPeer, listPeers, updatePeer } from '../features/federation/service.ts';
import { pullFromAllPeers, pullFromPeer, type SyncProgress } from '../features/federation/sync/pull.ts';
import { operator, printTable, withApp } from './context.ts';
import { progressLine } from './progress.ts';

function when(iso: string | null): string {
  return iso ? iso.slice(0, 19).replace('T', ' ') : '-';
}

export function registerPeerCommands(program: Command): void {
  const peer = program.command('peer').description('peer nodes: other Sanad nodes this node trusts by their keys');

  peer
    .command('add')
    .description("add a peer by its URL and its public key (as its `sanad node key` prints it), then check the link")
    .argument('<url>', 'base URL of the peer node')
    .requiredOption('--key <publicKey>', "the peer's Ed25519 public key, base64")
    .option('--name <name>', "the peer's node name (default: learned from the peer at the first contact)")
    .action(async (url: string, options: { key: string; name?: string }, command: Command) => {
      await withApp(command, async (ctx) => {
        const actor = operator('peer add');
        const added = await createPeer(ctx, actor, { url, publicKey: options.key, ...(options.name !== undefined ? { name: options.name } : {}) });
        console.log(`added peer "${added.name}" (${added.id}) at ${added.url}`);
        console.log(`peer key fingerprint: ${added.fingerprint}`);
        console.log('compare it with the fingerprint the peer\'s operator reads from `sanad node show`');
        const check = await checkPeerLink(ctx, actor, added.id);
        if (check.ok) {
          console.log(`link checked: "${check.hello.node}" answered and knows this node as "${check.hello.peer}"${check.renamed ? ` (peer renamed to "${check.peer.name}")` : ''}`);
          return;
        }
        if (check.notPeered) {
          const self = await readNodeInfo(ctx);
          console.log(`the peer does not accept this node yet (it has not added this node, or it paused it); the peer is kept.`);
          console.log(`ask its operator to run: sanad peer add <this node's URL> --key ${self?.publicKey ?? '?'}`);
          console.log(`this node's fingerprint: ${self?.fingerprint ?? '?'}`);
          console.log(`(${check.error})`);
          return;
        }
        console.log(`the link check failed; the peer is kept: ${check.error}`);
      });
    });

  peer
    .command('list')
    .description('list the peers, their status, last contact and last error')
    .action(async (_options: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        const items = await listPeers(ctx, operator('peer list').viewer);
        printTable(
          items.map((p) => ({
            id: p.id,
            name: p.name,
            url: p.url,
            status: p.status,
            'last contact': when(p.lastContactAt),
            'last sync': when(p.sync.lastSyncAt),
            behind: p.sync.behind ?? '-',
            received: p.sync.receivedRecords,
            tombstones: p.sync.receivedTombstones,
            refused: p.sync.refusedRecords,
            'last error': p.sync.lastError ?? p.lastError ?? '',
          })),
        );
      });
    });

  for (const [name, status, verb] of [
    ['pause', 'paused', 'paused: its requests are refused until it is resumed'],
    ['resume', 'active', 'resumed'],
  ] as const) {
    peer
      .command(name)
      .description(name === 'pause' ? "pause a peer: its signed requests are refused" : 'resume a paused peer')
      .argument('<peer>', 'id or name')
      .action(async (ref: string, _options: unknown, command: Command) => {
        await withApp(command, async (ctx) => {
          const actor = operator(`peer ${name}`);
          const found = await findPeer(ctx, actor.viewer, ref);
          await updatePeer(ctx, actor, found.id, { status });
          console.log(`peer "${found.name}" ${verb}`);
        });
      });
  }

  peer
    .command('remove')
    .description('remove a peer')
    .argument('<peer>', 'id or name')
    .action(async (ref: string, _options: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        const actor = operator('peer remove');
        const found = await findPeer(ctx, actor.viewer, ref);
        await deletePeer(ctx, actor, found.id);
        console.log(`removed peer "${found.name}"`);
      });
    });

  peer
    .command('directory')
    .description("fetch the peer's member organisations, each verified as signed by the peer's key")
    .argument('<peer>', 'id or name')
    .action(async (ref: string, _options: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        const actor = operator('peer directory');
        const found = await findPeer(ctx, actor.viewer, ref);
        const directory = await fetchPeerDirectory(ctx, actor, found.id);
        console.log(`${directory.organisations.length} organisation(s) of "${directory.peer.name}", every entry signed by its key (${found.fingerprint}):`);
        printTable(directory.organisations.map((o) => ({ name: o.name, 'short name': o.shortName, country: o.country ?? '', tier: o.tier, status: o.status, 'home node': o.homeNode })));
      });
    });
}

/** `sanad sync now [PEER]`: pulls from one peer, or from every active peer, showing each page. */
export function registerSyncCommands(program: Command): void {
  const sync = program.command('sync').description('sync with peer nodes');
  sync
    .command('now')
    .description('pull from a peer (or every active peer) now, from where the last sync stopped')
    .argument('[peer]', 'id or name (default: every active peer)')
    .option('--max-pages <n>', 'stop after this many pages', (text: string) => Number.parseInt(text, 10))
    .action(async (ref: string | undefined, options: { maxPages?: number }, command: Command) => {
      await withApp(command, async (ctx) => {
        const actor = operator('sync now');
        const onPage = (p: SyncProgress) =>
          progressLine(`${p.peer}: ${p.pages} pages, ${p.records} records, ${p.tombstones} tombstones, ${p.skipped} already held, ${p.refused} refused, ${p.behind} events behind`);
        const syncOptions = { onPage, ...(options.maxPages !== undefined && Number.isFinite(options.maxPages) ? { maxPages: options.maxPages } : {}) };
        const results = ref
          ? [{ peer: ref, progress: await pullFromPeer(ctx, actor, (await findPeer(ctx, actor.viewer, ref)).id, syncOptions) }]
          : await pullFromAllPeers(ctx, actor, syncOptions);
        if (process.stderr.isTTY) process.stderr.write('\n');
        let failed = false;
        for (const result of results) {
          if ('error' in result && result.error) {
            failed = true;
            console.log(`${result.peer}: failed: ${result.error}`);
          } else if (result.progress) {
            const p = result.progress;
            console.log(`${p.peer}: ${p.records} records, ${p.tombstones} tombstones, ${p.refused} refused in ${p.pages} pages${p.done ? '; up to date' : `; ${p.behind} events still behind`}`);
          }
        }
        if (results.length === 0) console.log('no active peer');
        if (failed) process.exitCode = 1;
      });
    });
}
