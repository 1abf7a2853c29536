// The intelligence commands of `sanad` as an operator runs them: `import` of a native JSON event file,
// `export` to stdout, and `warninglist load|list`. Each test spawns `node bin/sanad.js …` on a real
// SQLite store and checks what it printed, its exit code, and what the store then holds.
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeApp, openApp, type AppContext } from '../src/app.ts';
import type { Config } from '../src/config.ts';
import { Invalid } from '../src/domain/errors.ts';
import { normaliseIndicator } from '../src/domain/indicators/normalise.ts';
import { STARTER_WARNINGLISTS } from '../src/domain/warninglists.ts';
import { getEvent, listEventIndicators } from '../src/features/intel/service.ts';
import { systemViewer } from '../src/policy/viewer.ts';
import { freshStore, type TestStore } from './helpers/store.ts';
import { UUID, assertExit, escapeRegExp, lines, parseTable, sanad } from './helpers/cli.ts';

const COUNT = 3000;
const BAD_AT = 1500;
const BAD_VALUE = 'not a domain';

const domainAt = (i: number) => `host-${i}.cli-import.example-intel.org`;

describe('sanad import, export and warninglist (sqlite)', () => {
  let store: TestStore;
  let config: Config;
  let ctx: AppContext | undefined;
  let dir: string;
  const system = systemViewer('intel-cli test');
  const db = () => ctx!.store.db;
  const count = async (table: 'event' | 'indicator') => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const writeJson = (name: string, value: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(value));
    return file;
  };

  before(async () => {
    store = await freshStore('sqlite');
    config = store.config;
    dir = fs.mkdtempSync(path.join(config.dataDir, 'files-'));
    const init = await sanad(config, 'init', '--node-name', 'Intel node', '--country', 'MY', '--admin-email', 'admin@intel.example', '--admin-password', 'correct horse battery staple');
    assertExit(init, 0);
    ctx = await openApp(config);
  });
  after(async () => {
    if (ctx) await closeApp(ctx);
    await store.cleanup();
  });

  let teamId: string;
  test('org add registers the team that will own the imports', async () => {
    const add = await sanad(config, 'org', 'add', '--name', 'Importland national CERT', '--short-name', 'IMP-CERT', '--country', 'ID', '--tier', 'full');
    assertExit(add, 0);
    const created = new RegExp(`^created organisation IMP-CERT \\((${UUID})\\)\\n$`).exec(add.stdout);
    assert.ok(created, add.stdout);
    teamId = created[1]!;
  });

  const values = Array.from({ length: COUNT }, (_, i) => domainAt(i));
  let eventId: string;
  test(`import streams a ${COUNT}-indicator event in: one result line on stdout, progress on stderr`, async () => {
    const info = 'CLI import of a phishing infrastructure';
    const file = writeJson('event.json', { info, tlp: 'GREEN', distribution: 'community', published: true, indicators: values.map((value) => ({ type: 'domain', value })) });
    const eventsBefore = await count('event');
    const run = await sanad(config, 'import', file, '--org', 'IMP-CERT');
    assertExit(run, 0);
    const result = new RegExp(`^imported event (${UUID}) "${escapeRegExp(info)}" with ${COUNT} indicators in \\d+\\.\\d{2} s\\n$`).exec(run.stdout);
    assert.ok(result, `stdout: ${run.stdout}`);
    eventId = result[1]!;

    // Not a terminal: each progress report is a line of its own, and the last one is complete.
    const progress = lines(run.stderr);
    assert.ok(progress.length >= 1, run.stderr);
    for (const line of progress) assert.match(line, new RegExp(`^importing ${escapeRegExp(file)}: \\d{1,3}% · \\d+ indicators · \\d+/s$`));
    assert.match(progress.at(-1)!, new RegExp(`: 100% · ${COUNT} indicators · \\d+/s$`));
    assert.doesNotMatch(run.stdout, /importing/);

    assert.equal(await count('event'), eventsBefore + 1);
    const event = await getEvent(ctx!, system, eventId);
    assert.equal(event.info, info);
    assert.equal(event.ownerOrgId, teamId);
    assert.equal(event.tlp, 'GREEN');
    assert.equal(event.distribution, 'community');
    assert.equal(event.published, true);
    assert.equal(event.indicatorCount, COUNT);
    const audit = await db().selectFrom('audit_log').select(['action', 'actor_type', 'actor_label', 'org_id', 'details']).where('object_id', '=', eventId).execute();
    assert.deepEqual(
      audit.map((a) => [a.action, a.actor_type, a.actor_label, a.org_id, JSON.parse(a.details).indicators]),
      [['event.import', 'system', 'system:cli import', teamId, COUNT]],
    );
  });

  test('export --format text --type domain prints exactly the imported values, one per line', async () => {
    const run = await sanad(config, 'export', '--format', 'text', '--type', 'domain');
    assertExit(run, 0);
    assert.ok(run.stdout.endsWith('\n'));
    const printed = run.stdout.slice(0, -1).split('\n');
    assert.equal(printed.length, COUNT);
    assert.deepEqual([...printed].sort(), [...values].sort());
    for (const line of lines(run.stderr)) assert.match(line, /^exported \d+ indicators$/);
    assert.equal(lines(run.stderr).at(-1), `exported ${COUNT} indicators`);
  });

  test(`import of a file with a bad value at position ${BAD_AT} exits 2 naming it, and leaves nothing behind`, async () => {
    const indicators = values.map((value, i) => ({ type: 'domain', value: i === BAD_AT ? BAD_VALUE : `bad-file-${value}` }));
    const file = writeJson('bad-event.json', { info: 'Half good', tlp: 'GREEN', distribution: 'community', published: true, indicators });
    let reason = '';
    try {
      normaliseIndicator('domain', BAD_VALUE, `indicators[${BAD_AT}].value`);
    } catch (error) {
      if (error instanceof Invalid) reason = error.reason;
    }
    assert.notEqual(reason, '', 'the domain parser refuses the bad value');
    const [eventsBefore, indicatorsBefore] = [await count('event'), await count('indicator')];
    const run = await sanad(config, 'import', file, '--org', 'IMP-CERT');
    assertExit(run, 2);
    assert.equal(run.stdout, '');
    const stderr = lines(run.stderr);
    assert.equal(stderr.at(-1), `error: indicators[${BAD_AT}].value: ${reason}`);
    for (const line of stderr.slice(0, -1)) assert.match(line, /^importing /);
    assert.equal(await count('event'), eventsBefore);
    assert.equal(await count('indicator'), indicatorsBefore);
  });

  test('import without --org is a usage error; an unknown --org exits 2; neither writes an event', async () => {
    const file = writeJson('small.json', { info: 'Small', tlp: 'GREEN', distribution: 'community', indicators: [{ type: 'domain', value: 'small.example-intel.org' }] });
    const eventsBefore = await count('event');
    const missing = await sanad(config, 'import', file);
    assert.notEqual(missing.code, 0);
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /^error: required option '--org <ref>' not specified$/m);
    assert.equal(missing.stdout, '');

    const unknown = await sanad(config, 'import', file, '--org', 'NO-SUCH-CERT');
    assertExit(unknown, 2);
    assert.equal(unknown.stdout, '');
    assert.equal(unknown.stderr, 'error: organisation NO-SUCH-CERT not found\n');
    assert.equal(await count('event'), eventsBefore);
  });

  const list = { name: 'CLI resolvers', version: 7, description: 'Public resolvers seen in every log', type: 'cidr', list: ['9.9.9.0/24', '2620:fe::/48'], matching_attributes: ['ip-src', 'ip-dst'] };
  test('import recognises a STIX bundle by its content, and --format refuses a file of another format', async () => {
    const bundle = writeJson('bundle.json', {
      type: 'bundle',
      id: 'bundle--6f5f1c3e-2a59-4f0e-9d1e-3f0b8a7c1d2e',
      objects: [
        { type: 'indicator', spec_version: '2.1', id: 'indicator--3c2b1a09-8f7e-4d6c-9b5a-0e1f2d3c4b5a', created: '2026-02-01T00:00:00.000Z', modified: '2026-02-01T00:00:00.000Z', pattern: "[domain-name:value = 'door.cli-import.example-intel.org']", pattern_type: 'stix', valid_from: '2026-02-01T00:00:00Z' },
      ],
    });
    const eventsBefore = await count('event');
    const wrong = await sanad(config, 'import', bundle, '--org', 'IMP-CERT', '--format', 'misp');
    assertExit(wrong, 2);
    assert.match(wrong.stderr, /is stix, not misp/);
    assert.equal(await count('event'), eventsBefore);
    const run = await sanad(config, 'import', bundle, '--org', 'IMP-CERT', '--tlp', 'GREEN', '--distribution', 'community');
    assertExit(run, 0);
    const [summary, id] = lines(run.stdout);
    assert.match(summary!, /^imported STIX: objects 1, skipped 0, indicators 1 in \d+\.\d{2} s$/);
    assert.match(id!, new RegExp(`^${UUID}$`));
    const event = await getEvent(ctx!, system, id!);
    assert.deepEqual([event.tlp, event.distribution, event.indicatorCount], ['GREEN', 'community', 1]);

    const exported = await sanad(config, 'stix', 'export', id!);
    assertExit(exported, 0);
    const back = JSON.parse(exported.stdout) as { type: string; objects: { id: string; pattern?: string }[] };
    assert.equal(back.type, 'bundle');
    assert.ok(back.objects.some((o) => o.id === 'indicator--3c2b1a09-8f7e-4d6c-9b5a-0e1f2d3c4b5a' && o.pattern?.includes('door.cli-import')), 'the indicator comes back as it came');
    assert.match(exported.stderr, /^exported \d+ STIX objects\n$/);
  });

  test('warninglist load reads a MISP-format list.json; warninglist list shows it beside the shipped lists', async () => {
    const file = writeJson('list.json', list);
    const run = await sanad(config, 'warninglist', 'load', file);
    assertExit(run, 0);
    assert.match(run.stdout, /^loaded warninglist "CLI resolvers" version 7: 2 cidr entries\nre-checked \d+ stored indicators: \d+ flags changed\n$/);
    assert.ok(lines(run.stderr).every((line) => line === '' || /^re-checking stored indicators: \d+$/.test(line)), run.stderr);

    const shown = await sanad(config, 'warninglist', 'list');
    assertExit(shown, 0);
    assert.match(lines(shown.stdout)[0]!, /^name {2,}type {2,}entries {2,}source {2,}enabled$/);
    const rows = parseTable(shown.stdout);
    assert.deepEqual(
      rows.filter((r) => r.source === 'loaded'),
      [{ name: 'CLI resolvers', type: 'cidr', entries: '2', source: 'loaded', enabled: 'yes' }],
    );
    assert.deepEqual(
      rows.filter((r) => r.source === 'shipped').map((r) => r.name),
      STARTER_WARNINGLISTS.map((l) => l.name),
    );
    assert.equal(rows.length, STARTER_WARNINGLISTS.length + 1);
  });

  test('the loaded list flags what is imported afterwards', async () => {
    const file = writeJson('resolver-event.json', {
      info: 'Resolver traffic',
      tlp: 'GREEN',
      distribution: 'community',
      indicators: [
        { type: 'ip-dst', value: '9.9.9.9' },
        { type: 'ip-dst', value: '45.33.32.156' },
      ],
    });
    const run = await sanad(config, 'import', file, '--org', teamId);
    assertExit(run, 0);
    const id = new RegExp(`^imported event (${UUID}) "Resolver traffic" with 2 indicators in `).exec(run.stdout)?.[1];
    assert.ok(id, run.stdout);
    const { items } = await listEventIndicators(ctx!, system, id, {});
    const warnings = Object.fromEntries(items.map((i) => [i.value, i.warning]));
    assert.deepEqual(warnings, { '9.9.9.9': 'CLI resolvers', '45.33.32.156': null });
  });

  test('warninglist load refuses a malformed list or an unreadable file with exit 2, naming the field', async () => {
    const bad = await sanad(config, 'warninglist', 'load', writeJson('bad-list.json', { ...list, name: 'Broken', list: ['9.9.9.0/24', 'nonsense'] }));
    assertExit(bad, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /^error: warninglist\.list\[1\]: .+\n$/);
    const glob = await sanad(config, 'warninglist', 'load', writeJson('glob-list.json', { ...list, name: 'Broken', type: 'glob' }));
    assertExit(glob, 2);
    assert.equal(glob.stderr, 'error: warninglist.type: must be one of cidr, hostname, string, substring, regex\n');
    const notJson = path.join(dir, 'not-json.json');
    fs.writeFileSync(notJson, '{"name": ');
    const unreadable = await sanad(config, 'warninglist', 'load', notJson);
    assertExit(unreadable, 2);
    assert.match(unreadable.stderr, new RegExp(`^error: file: ${escapeRegExp(notJson)} is not readable JSON \\(.+\\)\\n$`));
    assert.deepEqual(await db().selectFrom('warninglist').select('name').execute(), [{ name: 'CLI resolvers' }]);
  });
});
