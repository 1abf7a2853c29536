// `sanad feed …` as an operator runs it: each step spawns `node bin/sanad.js …` on a real SQLite
// store, with a small HTTP server of the test's own as the remote, and checks what it printed, its
// exit code and what the store then holds.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Config } from '../src/config.ts';
import { freshStore, type TestStore } from './helpers/store.ts';
import { UUID, assertExit, lines, parseTable, sanadWithEnv, type Run } from './helpers/cli.ts';

/** `sanad --data-dir … args` with SANAD_FEED_HOSTS allowing this machine. */
function sanadWithFeeds(config: Config, ...args: string[]): Promise<Run> {
  return sanadWithEnv(config, { SANAD_FEED_HOSTS: '127.0.0.1' }, ...args);
}

describe('sanad feed (sqlite)', () => {
  let store: TestStore;
  let config: Config;
  let server: http.Server;
  let base = '';
  const authorizations: (string | undefined)[] = [];

  before(async () => {
    server = http.createServer((request, response) => {
      authorizations.push(request.headers.authorization);
      if (request.url !== '/list.txt') return response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'text/plain' }).end('cli-one.feeds-cli.net\n198.51.100.61\nno value on this line\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    store = await freshStore('sqlite');
    config = store.config;
    assertExit(await sanadWithFeeds(config, 'init', '--node-name', 'Feed node', '--country', 'MY', '--admin-email', 'admin@feeds.example', '--admin-password', 'correct horse battery staple'), 0);
    assertExit(await sanadWithFeeds(config, 'org', 'add', '--name', 'Feedland national CERT', '--short-name', 'FEED-CERT', '--country', 'ID', '--tier', 'full'), 0);
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await store.cleanup();
  });

  test('add refuses a host outside SANAD_FEED_HOSTS and names the setting', async () => {
    const run = await sanadWithFeeds(config, 'feed', 'add', 'csv', 'https://feeds.elsewhere.example/list.csv', '--org', 'FEED-CERT', '--column', '1');
    assertExit(run, 2);
    assert.match(run.stderr, /^error: url: feeds\.elsewhere\.example is not a host the operator allows feeds to reach \(SANAD_FEED_HOSTS\)$/m);
  });

  test('add, pull with progress, list, disable, remove', async () => {
    const added = await sanadWithFeeds(config, 'feed', 'add', 'freetext', `${base}/list.txt`, '--org', 'FEED-CERT', '--name', 'cli list', '--tlp', 'GREEN', '--interval', '15', '--api-key', 'cli-key');
    assertExit(added, 0);
    assert.match(added.stdout, new RegExp(`^added feed "cli list" \\(${UUID}\\) for Feedland national CERT; pulled every 15 min by the server`));

    const pulled = await sanadWithFeeds(config, 'feed', 'pull', 'cli list');
    assertExit(pulled, 0);
    const [summary, note] = lines(pulled.stdout);
    assert.match(summary!, /^cli list: succeeded in \d+\.\d s: 1 events, 2 indicators, 0 objects, 0 skipped, 1 invalid$/);
    assert.equal(note, '  note: line 3: no indicator recognised');
    assert.ok(lines(pulled.stderr).every((line) => line.startsWith('pulling cli list: ')), pulled.stderr);
    assert.equal(authorizations.at(-1), 'Bearer cli-key');

    const listed = await sanadWithFeeds(config, 'feed', 'list');
    assertExit(listed, 0);
    const [row] = parseTable(listed.stdout);
    assert.equal(row?.name, 'cli list');
    assert.equal(row?.status, 'succeeded');
    assert.equal(row?.['events/indicators/skipped/invalid'], '1/2/0/1');
    assert.ok(!listed.stdout.includes('cli-key'), 'credentials are never printed');

    assertExit(await sanadWithFeeds(config, 'feed', 'disable', 'cli list'), 0);
    const shown = await sanadWithFeeds(config, 'feed', 'show', 'cli list');
    assert.match(shown.stdout, /every 15 min · disabled · credentials bearer/);
    const removed = await sanadWithFeeds(config, 'feed', 'remove', 'cli list');
    assertExit(removed, 0);
    assert.equal(lines((await sanadWithFeeds(config, 'feed', 'list')).stdout)[0], '(none)');
    assertExit(await sanadWithFeeds(config, 'feed', 'pull', 'cli list'), 2);
  });
});
