// The incident and routing commands of `sanad` as an operator runs them: `routing load|test`,
// `incident create|import|list|show`, `notifications list`. Each spawns `node bin/sanad.js …` on a
// real SQLite store and checks its output, its exit code and what the store then holds.
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Config } from '../src/config.ts';
import { freshStore, type TestStore } from './helpers/store.ts';
import { assertExit, lines, parseTable, sanad } from './helpers/cli.ts';

const RIR = ['2|ripencc|20261122|2|19830705|20261121|+0100', 'ripencc|*|ipv4|*|1|summary', 'ripencc|TR|ipv4|100.72.0.0|2048|20120601|allocated|f0c7', 'ripencc|TR|asn|64496|1|20120601|allocated|f0c7'].join('\n');

describe('sanad routing and incident commands (sqlite)', () => {
  let store: TestStore;
  let config: Config;
  let dir: string;
  const file = (name: string, text: string) => {
    const target = path.join(dir, name);
    fs.writeFileSync(target, text);
    return target;
  };

  before(async () => {
    store = await freshStore('sqlite');
    config = store.config;
    dir = fs.mkdtempSync(path.join(config.dataDir, 'files-'));
    assertExit(await sanad(config, 'init', '--node-name', 'Hub', '--country', 'MY', '--admin-email', 'admin@hub.example', '--admin-password', 'correct horse battery staple'), 0);
    assertExit(await sanad(config, 'org', 'add', '--name', 'TR-CERT', '--short-name', 'TRCERT', '--country', 'TR', '--tier', 'full'), 0);
  });
  after(() => store.cleanup());

  test('routing load reports what it stored; routing test names the team and the deciding source', async () => {
    const bad = await sanad(config, 'routing', 'load', file('bad.txt', 'ripencc|TR|ipv4|not-an-ip|256|20120601|allocated|x\n'));
    assertExit(bad, 2);
    assert.match(bad.stderr, /^error: line 1: /);
    const loaded = await sanad(config, 'routing', 'load', file('delegated-ripencc-extended-latest', RIR));
    assertExit(loaded, 0);
    assert.match(loaded.stdout, /: 2 registrations of ripencc\n$/);
    const routed = await sanad(config, 'routing', 'test', '100.72.1.9');
    assertExit(routed, 0);
    assert.deepEqual(lines(routed.stdout), ['100.72.1.9 (ip-dst)', '  TR-CERT [TR] via rir-ip: RIR ripencc: TR', 'decided by: rir-ip', 'countries: TR']);
    const none = await sanad(config, 'routing', 'test', 'd41d8cd98f00b204e9800998ecf8427e');
    assertExit(none, 0);
    assert.match(none.stdout, /^no team: md5 values name no address/m);
  });

  test('incident create prints the reference; import takes CSV and JSON all or nothing; list and show read them back', async () => {
    const created = await sanad(config, 'incident', 'create', '--org', 'TRCERT', '--title', 'DDoS on a ministry', '--classification', 'availability', '--type', 'ddos', '--severity', 'high', '--observable', '100.72.0.10', 'AS64496');
    assertExit(created, 0);
    const year = new Date().getUTCFullYear();
    assert.match(created.stdout, new RegExp(`^MY-${year}-00001\\n$`));

    const csv = ['title,classification,rsit_type,severity,tlp,observables,reporter_name', 'Phishing kit,fraud,phishing,low,GREEN,hxxp://login.example[.]tr/ 100.72.3.3,A bank', 'Scan,information-gathering,scanner,low,CLEAR,,'].join('\n');
    const badCsv = csv.replace('information-gathering', 'gathering-info');
    const refused = await sanad(config, 'incident', 'import', file('bad.csv', badCsv), '--org', 'TRCERT');
    assertExit(refused, 2);
    assert.match(refused.stderr, /^error: line 3\.classification: must be an RSIT classification/);
    const imported = await sanad(config, 'incident', 'import', file('incidents.csv', csv), '--org', 'TRCERT');
    assertExit(imported, 0);
    assert.match(imported.stdout, new RegExp(`imported 2 incidents: MY-${year}-00002 … MY-${year}-00003`));
    const json = await sanad(config, 'incident', 'import', file('incidents.json', JSON.stringify([{ title: 'Defacement', classification: 'intrusions', rsitType: 'application-compromise', severity: 'medium', tlp: 'AMBER' }])), '--org', 'TRCERT');
    assertExit(json, 0);
    const badJson = await sanad(config, 'incident', 'import', file('bad.json', JSON.stringify([{ title: 'x', classification: 'other', severity: 'extreme', tlp: 'AMBER' }])), '--org', 'TRCERT');
    assertExit(badJson, 2);
    assert.match(badJson.stderr, /^error: \[0\]\.severity: /);

    const listed = await sanad(config, 'incident', 'list');
    assertExit(listed, 0);
    const rows = parseTable(listed.stdout);
    assert.deepEqual(rows.map((r) => r.reference).sort(), [1, 2, 3, 4].map((n) => `MY-${year}-0000${n}`));
    assert.ok(rows.every((r) => r.owner === 'TR-CERT'));
    const searched = parseTable((await sanad(config, 'incident', 'list', '--q', 'login.example.tr')).stdout);
    assert.deepEqual(searched.map((r) => r.title), ['Phishing kit']);
    const byStatus = await sanad(config, 'incident', 'list', '--status', 'new');
    assertExit(byStatus, 0);
    assert.equal(parseTable(byStatus.stdout).length, 4, 'every imported incident is new');
    const badStatus = await sanad(config, 'incident', 'list', '--status', 'finished');
    assert.equal(badStatus.code, 1);
    assert.match(badStatus.stderr, /argument 'finished' is invalid\. Allowed choices are new, triaged, in_progress, resolved, closed, rejected/);

    const shown = await sanad(config, 'incident', 'show', `my-${year}-00001`);
    assertExit(shown, 0);
    assert.match(shown.stdout, /^MY-\d{4}-00001  DDoS on a ministry\n  status new · severity high · rsit:availability="ddos"/);
    assert.match(shown.stdout, /ip-dst +100\.72\.0\.10 +TR-CERT +rir-ip/);
    assert.match(shown.stdout, /AS +AS64496 +TR-CERT +rir-asn/);
    assertExit(await sanad(config, 'incident', 'show', 'MY-2000-99999'), 2);

    const outbox = await sanad(config, 'notifications', 'list');
    assertExit(outbox, 0);
    assert.equal(outbox.stdout, '(none)\n', 'TR-CERT has no role address, so nothing is queued');
  });
});
