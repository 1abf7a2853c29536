// `sanad peer …` as an operator runs it: each step spawns `node bin/sanad.js …` on a SQLite store of
// its own, with a real Sanad server on loopback as the peer.
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Config } from '../src/config.ts';
import { createPeer } from '../src/features/federation/service.ts';
import { keyFingerprint } from '../src/features/node/keys.ts';
import { readNodeInfo } from '../src/features/node/service.ts';
import { writeNodeSetting } from '../src/features/node/queries.ts';
import { systemViewer } from '../src/policy/viewer.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { freshStore, type TestStore } from './helpers/store.ts';
import { assertExit, escapeRegExp, lines, parseTable, sanad } from './helpers/cli.ts';

describe('sanad peer (sqlite)', () => {
  let store: TestStore;
  let config: Config;
  let remote: TestApp;
  let remoteUrl = '';
  let remoteKey = '';

  before(async () => {
    store = await freshStore('sqlite');
    config = store.config;
    remote = await startTestApp('sqlite');
    await writeNodeSetting(remote.ctx.store.db, 'node_name', 'Remote node');
    await remote.ctx.store.db.updateTable('organisation').set({ home_node: 'Remote node' }).execute();
    await remote.server.listen({ port: 0, host: '127.0.0.1' });
    remoteUrl = `http://127.0.0.1:${(remote.server.server.address() as AddressInfo).port}`;
    remoteKey = (await readNodeInfo(remote.ctx))!.publicKey;
    assertExit(await sanad(config, 'init', '--node-name', 'CLI node', '--admin-email', 'admin@cli-peers.example', '--admin-password', 'correct horse battery staple'), 0);
  });
  after(async () => {
    await remote.close();
    await store.cleanup();
  });

  test('add refuses a malformed key', async () => {
    const run = await sanad(config, 'peer', 'add', remoteUrl, '--key', 'not-a-key');
    assertExit(run, 2);
    assert.match(run.stderr, /^error: publicKey: the public key must be the base64 of a raw 32-byte Ed25519 key$/m);
  });

  test('add, check the link, list, read the directory, pause, resume, remove', async () => {
    const host = new URL(remoteUrl).host;
    const added = await sanad(config, 'peer', 'add', remoteUrl, '--key', remoteKey);
    assertExit(added, 0);
    assert.match(added.stdout, new RegExp(`^peer key fingerprint: ${escapeRegExp(keyFingerprint(remoteKey))}$`, 'm'));
    assert.match(added.stdout, /the peer does not accept this node yet .* the peer is kept/);
    const ownKey = lines((await sanad(config, 'node', 'key')).stdout)[0]!;
    assert.match(added.stdout, new RegExp(`--key ${escapeRegExp(ownKey)}$`, 'm'));

    const [notYet] = parseTable((await sanad(config, 'peer', 'list')).stdout);
    assert.equal(notYet?.name, host);
    assert.equal(notYet?.['last contact'], '-');
    assert.match(notYet?.['last error'] ?? '', /answered 401/);

    // The remote's operator adds this node in turn.
    await createPeer(remote.ctx, { viewer: systemViewer('test'), sourceIp: null }, { url: 'http://127.0.0.1:9', publicKey: ownKey, name: 'CLI node' });

    const directory = await sanad(config, 'peer', 'directory', host);
    assertExit(directory, 0);
    // The peer, added without a name, takes the one its signed directory announces.
    assert.match(directory.stdout, /^1 organisation\(s\) of "Remote node", every entry signed by its key/);
    const [team] = parseTable(lines(directory.stdout).slice(1).join('\n'));
    assert.equal(team?.name, 'Test hub operators');
    assert.equal(team?.['home node'], 'Remote node');

    const [linked] = parseTable((await sanad(config, 'peer', 'list')).stdout);
    assert.equal(linked?.name, 'Remote node');
    assert.notEqual(linked?.['last contact'], '-');
    assert.equal(linked?.['last error'], '');

    assert.match((await sanad(config, 'peer', 'pause', 'Remote node')).stdout, /paused: its requests are refused/);
    assert.equal(parseTable((await sanad(config, 'peer', 'list')).stdout)[0]?.status, 'paused');
    assertExit(await sanad(config, 'peer', 'resume', 'Remote node'), 0);
    assertExit(await sanad(config, 'peer', 'remove', 'Remote node'), 0);
    assert.equal(lines((await sanad(config, 'peer', 'list')).stdout)[0], '(none)');
    assertExit(await sanad(config, 'peer', 'directory', host), 2);
  });
});
