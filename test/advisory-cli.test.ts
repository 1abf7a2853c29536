// The advisory commands of `sanad` as an operator runs them: `advisory import|list|show|export`, each
// spawned as `node bin/sanad.js …` on a real SQLite store.
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Config } from '../src/config.ts';
import { checkAdvisoryContent } from '../src/domain/csaf/advisory.ts';
import { toCsafDocument } from '../src/domain/csaf/document.ts';
import { freshStore, type TestStore } from './helpers/store.ts';
import { SAMPLE_CONTENT, csafTestdata, readJson } from './helpers/advisories.ts';
import { UUID, assertExit, parseTable, sanad } from './helpers/cli.ts';

const RELEASED = '2026-02-10T09:00:00.000Z';

/** A vendor's advisory, as another CSAF provider would publish it. */
const vendorDocument = toCsafDocument({
  draft: { title: 'EdgeGate VPN command injection', category: 'csaf_security_advisory', lang: 'en', ...checkAdvisoryContent(SAMPLE_CONTENT.csaf_security_advisory) },
  publisher: { category: 'vendor', name: 'Example Networks PSIRT', namespace: 'https://vendor.example.com' },
  tracking: { id: 'EXN-2026-0042', status: 'final', version: '1', initialReleaseDate: RELEASED, currentReleaseDate: RELEASED, revisionHistory: [{ date: RELEASED, number: '1', summary: 'Initial release' }] },
  label: 'GREEN',
  generator: { name: 'Example generator', version: '1.0', date: RELEASED },
});

describe('sanad advisory (sqlite)', () => {
  let store: TestStore;
  let config: Config;
  let dir: string;
  const write = (name: string, value: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(value));
    return file;
  };

  before(async () => {
    store = await freshStore('sqlite');
    config = store.config;
    dir = fs.mkdtempSync(path.join(config.dataDir, 'csaf-'));
    assertExit(await sanad(config, 'init', '--node-name', 'Advisory node', '--country', 'MY', '--admin-email', 'admin@adv.example', '--admin-password', 'correct horse battery staple'), 0);
    assertExit(await sanad(config, 'org', 'add', '--name', 'Importland national CERT', '--short-name', 'IMP-CERT', '--country', 'ID', '--tier', 'full'), 0);
  });
  after(() => store.cleanup());

  let advisoryId: string;
  test('import reads a CSAF document for a team, keeping its label', async () => {
    const run = await sanad(config, 'advisory', 'import', write('exn.json', vendorDocument), '--org', 'IMP-CERT');
    assertExit(run, 0);
    const match = new RegExp(`^imported EXN-2026-0042 version 1 for IMP-CERT as TLP:GREEN \\(community\\): advisory (${UUID})\\n$`).exec(run.stdout);
    assert.ok(match, run.stdout);
    advisoryId = match[1]!;
  });

  test('list and show', async () => {
    const list = await sanad(config, 'advisory', 'list', '--state', 'published');
    assertExit(list, 0);
    assert.deepEqual(
      parseTable(list.stdout).map((r) => [r.tracking, r.version, r.state, r.tlp, r.category, r.owner, r.id, r.title]),
      [['EXN-2026-0042', '1', 'published', 'GREEN', 'csaf_security_advisory', 'Importland national CERT', advisoryId, 'EdgeGate VPN command injection']],
    );
    assert.equal((await sanad(config, 'advisory', 'list', '--state', 'draft')).stdout, '(none)\n');
    const show = await sanad(config, 'advisory', 'show', 'exn-2026-0042');
    assertExit(show, 0);
    assert.match(show.stdout, /^EXN-2026-0042 {2}EdgeGate VPN command injection\n/);
    assert.match(show.stdout, /CVE-2026-10001 · CVSS 9\.8 CVSS:3\.1\/AV:N\/AC:L\/PR:N\/UI:N\/S:U\/C:H\/I:H\/A:H/);
    const versions = show.stdout.split('versions:\n')[1];
    assert.ok(versions, show.stdout);
    assert.deepEqual(parseTable(versions), [{ number: '1', tracking: '1', status: 'final', published: RELEASED, summary: 'Initial release' }]);
  });

  test('export writes the document back unchanged', async () => {
    const out = path.join(dir, 'out.json');
    const run = await sanad(config, 'advisory', 'export', advisoryId, '--out', out);
    assertExit(run, 0);
    assert.equal(run.stderr, `wrote EXN-2026-0042 version 1 to ${out}\n`);
    assert.deepEqual(readJson(out), vendorDocument);
    const toStdout = await sanad(config, 'advisory', 'export', 'EXN-2026-0042', '--revision', '1');
    assertExit(toStdout, 0);
    assert.deepEqual(JSON.parse(toStdout.stdout), vendorDocument);
  });

  test('refusals: an invalid document names the CSAF test; unknown team and missing option', async () => {
    const broken = structuredClone(vendorDocument);
    broken.document.tracking.id = 'EXN-2026-0043';
    broken.document.tracking.version = '2';
    const invalid = await sanad(config, 'advisory', 'import', write('broken.json', broken), '--org', 'IMP-CERT');
    assertExit(invalid, 2);
    assert.equal(invalid.stderr, 'error: document.tracking.version: fails CSAF mandatory test 6.1.16 (Latest Document Version): version does not match latest revision\n');
    assertExit(await sanad(config, 'advisory', 'import', write('ok.json', vendorDocument), '--org', 'NO-SUCH'), 2);
    const missing = await sanad(config, 'advisory', 'import', path.join(dir, 'ok.json'));
    assertExit(missing, 1);
    assert.match(missing.stderr, /required option '--org <ref>' not specified/);
    assertExit(await sanad(config, 'advisory', 'show', 'EXN-2026-9999'), 2);
  });

  test('the BSI advisory imports as the caller chooses, never wider than its label', async (t) => {
    const file = csafTestdata('bsi-2022-0001.json');
    if (!file) {
      t.skip('bsi-2022-0001.json not found under /work/shared/testdata/csaf20');
      return;
    }
    const run = await sanad(config, 'advisory', 'import', file, '--org', 'IMP-CERT', '--tlp', 'AMBER');
    assertExit(run, 0);
    assert.match(run.stdout, /^imported BSI-2022-0001 version 1 for IMP-CERT as TLP:AMBER \(community\)/);
  });
});
