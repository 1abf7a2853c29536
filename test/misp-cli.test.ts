// `sanad misp import|export` as an operator runs them: each test spawns `node bin/sanad.js …` on a
// real SQLite store and checks what it printed, its exit code, and what the store then holds.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeApp, openApp, type AppContext } from '../src/app.ts';
import type { Config } from '../src/config.ts';
import { getEvent } from '../src/features/intel/service.ts';
import { systemViewer } from '../src/policy/viewer.ts';
import { freshStore, type TestStore } from './helpers/store.ts';
import { UUID, assertExit, escapeRegExp, lines, sanad } from './helpers/cli.ts';

const mispEvent = (info: string, values: string[], extra: Record<string, unknown> = {}) => ({
  Event: {
    uuid: crypto.randomUUID(),
    info,
    date: '2024-05-02',
    timestamp: '1714640000',
    Tag: [{ name: 'tlp:green' }],
    Attribute: values.map((value) => ({ type: 'domain', category: 'Network activity', value })),
    ...extra,
  },
});

describe('sanad misp import and export (sqlite)', () => {
  let store: TestStore;
  let config: Config;
  let ctx: AppContext | undefined;
  let dir: string;
  const count = async (table: 'event' | 'indicator') => Number((await ctx!.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const writeJson = (name: string, value: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(value));
    return file;
  };

  before(async () => {
    store = await freshStore('sqlite');
    config = store.config;
    dir = fs.mkdtempSync(path.join(config.dataDir, 'files-'));
    assertExit(await sanad(config, 'init', '--node-name', 'MISP node', '--country', 'MY', '--admin-email', 'admin@misp.example', '--admin-password', 'correct horse battery staple'), 0);
    assertExit(await sanad(config, 'org', 'add', '--name', 'Mispland national CERT', '--short-name', 'MISP-CERT', '--country', 'ID', '--tier', 'full'), 0);
    ctx = await openApp(config);
  });
  after(async () => {
    if (ctx) await closeApp(ctx);
    await store.cleanup();
  });

  const document = { response: [mispEvent('First wave', ['a.cli-misp.example', 'b.cli-misp.example']), mispEvent('Second wave', ['c.cli-misp.example'], { distribution: '1' })] };
  let file: string;

  test('import prints one line per event and the totals; progress goes to stderr', async () => {
    file = writeJson('events.json', document);
    const run = await sanad(config, 'misp', 'import', file, '--org', 'MISP-CERT', '--tlp', 'RED');
    assertExit(run, 0);
    const [first, firstNote, second, totals] = lines(run.stdout);
    assert.equal(first, `event 0 ${document.response[0]!.Event.uuid} "First wave": created ${document.response[0]!.Event.uuid} with 2 attributes`);
    assert.equal(firstNote, '  note: no distribution: organisation assumed');
    assert.equal(second, `event 1 ${document.response[1]!.Event.uuid} "Second wave": created ${document.response[1]!.Event.uuid} with 1 attributes`);
    assert.match(totals!, /^2 events: 2 created, 0 updated, 0 skipped; 3 attributes, 0 objects, 0 sightings in \d+\.\d{2} s$/);
    for (const line of lines(run.stderr)) assert.match(line, new RegExp(`^importing ${escapeRegExp(file)}: \\d{1,3}% · \\d+ events · \\d+ attributes$`));
    const event = await getEvent(ctx!, systemViewer('test'), document.response[0]!.Event.uuid);
    // The file's tlp:green wins over --tlp, which only fills in for events without a TLP tag.
    assert.deepEqual([event.info, event.tlp, event.distribution, event.indicatorCount], ['First wave', 'GREEN', 'organisation', 2]);
  });

  test('a second import of the same file skips both events and says why', async () => {
    const run = await sanad(config, 'misp', 'import', file, '--org', 'MISP-CERT');
    assertExit(run, 0);
    assert.match(run.stdout, /"First wave": skipped \(not newer than the copy held \(timestamp 1714640000 ≤ 1714640000\)\)/);
    assert.match(lines(run.stdout).at(-1)!, /^2 events: 0 created, 0 updated, 2 skipped;/);
  });

  test('a bad value exits 2 naming its place in the file, and writes nothing', async () => {
    const bad = writeJson('bad.json', { response: [mispEvent('Fine', ['d.cli-misp.example']), mispEvent('Broken', ['300.1.2.3.4.5.not a domain'])] });
    const before = [await count('event'), await count('indicator')];
    const run = await sanad(config, 'misp', 'import', bad, '--org', 'MISP-CERT');
    assertExit(run, 2);
    assert.equal(run.stdout, '');
    assert.match(lines(run.stderr).at(-1)!, /^error: response\[1\]\.Event\.Attribute\[0\]\.value: /);
    assert.deepEqual([await count('event'), await count('indicator')], before);
  });

  test('export writes the event as MISP JSON to stdout', async () => {
    const id = document.response[1]!.Event.uuid;
    const run = await sanad(config, 'misp', 'export', id);
    assertExit(run, 0);
    const exported = JSON.parse(run.stdout);
    assert.equal(exported.Event.uuid, id);
    assert.equal(exported.Event.distribution, '1');
    assert.deepEqual(exported.Event.Attribute.map((a: { value: string }) => a.value), ['c.cli-misp.example']);
    assert.match(exported.Event.Orgc.uuid, new RegExp(`^${UUID}$`));
    const missing = await sanad(config, 'misp', 'export', crypto.randomUUID());
    assertExit(missing, 2);
    assert.equal(missing.stderr, 'error: event not found\n');
  });
});
