import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { testEngines } from '../../../test/helpers/store.ts';
import { SAMPLE_CONTENT } from '../../../test/helpers/advisories.ts';
import { validateCsaf } from '../../domain/csaf/validate.ts';
import { publisherOf } from './service.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

for (const engine of await testEngines()) {
  describe(`advisories (${engine})`, () => {
    let app: TestApp;
    const team: Record<'A' | 'B' | 'C', string> = { A: '', B: '', C: '' };
    let analystA: Session;
    let readerA: Session;
    let analystB: Session;
    let analystC: Session;
    let managerA: Session;
    let advisoryId: string;
    let trackingId: string;
    const year = new Date().getUTCFullYear();

    before(async () => {
      app = await startTestApp(engine);
      for (const key of ['A', 'B', 'C'] as const) team[key] = await app.addOrganisation(`ADV-${key}`);
      analystA = await app.addUser(team.A, 'analyst');
      readerA = await app.addUser(team.A, 'reader');
      managerA = await app.addUser(team.A, 'org-admin');
      analystB = await app.addUser(team.B, 'analyst');
      analystC = await app.addUser(team.C, 'analyst');
    });
    after(() => app.close());

    const call = (session: Session | undefined, method: Method, url: string, payload?: object) =>
      app.request({ method, url: url.startsWith('/.well-known') ? url : `/api/v1${url}`, session, ...(payload ? { payload } : {}) });
    const create = async (session: Session, body: object) => {
      const response = await call(session, 'POST', '/advisories', body);
      assert.equal(response.statusCode, 201, response.body);
      return response.json() as { id: string };
    };
    const publish = async (id: string, body?: object) => {
      const response = await call(analystA, 'POST', `/advisories/${id}/publish`, body);
      assert.equal(response.statusCode, 200, response.body);
      return response.json();
    };
    const exportOf = async (session: Session | undefined, url: string) => {
      const response = await call(session, 'GET', url);
      assert.equal(response.statusCode, 200, response.body);
      return response.json();
    };

    test('an analyst writes a draft for the team; the content is checked and normalised', async () => {
      const created = await create(analystA, { title: 'EdgeGate VPN command injection', category: 'csaf_security_advisory', tlp: 'GREEN', distribution: 'community', ...SAMPLE_CONTENT.csaf_security_advisory });
      advisoryId = created.id;
      const advisory = (await call(analystA, 'GET', `/advisories/${advisoryId}`)).json();
      assert.equal(advisory.state, 'draft');
      assert.equal(advisory.version, 0);
      assert.equal(advisory.trackingId, null);
      assert.equal(advisory.trackingStatus, 'draft');
      assert.equal(advisory.ownerOrgId, team.A);
      assert.equal(advisory.vulnerabilities[0].cve, 'CVE-2026-10001');
      assert.equal(advisory.vulnerabilities[0].scores[0].baseScore, 9.8);
      assert.equal(advisory.lang, 'en');
    });

    test('a draft stays with its team', async () => {
      assert.equal((await call(readerA, 'GET', `/advisories/${advisoryId}`)).statusCode, 200);
      assert.equal((await call(analystB, 'GET', `/advisories/${advisoryId}`)).statusCode, 404);
      assert.deepEqual((await call(analystB, 'GET', '/advisories')).json().items, []);
      assert.equal((await call(analystB, 'GET', `/advisories/${advisoryId}/csaf`)).statusCode, 404);
      assert.equal((await call(undefined, 'GET', '/advisories')).statusCode, 401);
    });

    test('bad content is refused with its field, and nothing is written', async () => {
      const base = { title: 'Bad', category: 'csaf_security_advisory', tlp: 'GREEN', distribution: 'community' };
      const vulnerability = SAMPLE_CONTENT.csaf_security_advisory.vulnerabilities[0]!;
      const cases: [object, number, string][] = [
        [{ ...base, productTree: SAMPLE_CONTENT.csaf_security_advisory.productTree, vulnerabilities: [{ ...vulnerability, cve: 'CVE-XX-1' }] }, 422, 'vulnerabilities[0].cve'],
        [{ ...base, productTree: SAMPLE_CONTENT.csaf_security_advisory.productTree, vulnerabilities: [{ ...vulnerability, scores: [{ vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 7.2, products: ['EGV-4.1.2'] }] }] }, 422, 'vulnerabilities[0].scores[0].baseScore'],
        [{ ...base, vulnerabilities: [vulnerability] }, 422, 'vulnerabilities[0].productStatus.fixed[0]'],
        [{ ...base, tlp: 'RED' }, 422, 'distribution'],
        [{ ...base, category: 'csaf_informational_advisory' }, 400, 'category'],
        [{ ...base, distribution: 'sharing_group' }, 422, 'sharingGroupId'],
      ];
      for (const [body, status, field] of cases) {
        const response = await call(analystA, 'POST', '/advisories', body);
        assert.equal(response.statusCode, status, response.body);
        assert.equal(response.json().field, field);
      }
      assert.equal((await call(readerA, 'POST', '/advisories', base)).statusCode, 403);
      const count = await app.ctx.store.db.selectFrom('advisory').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 1);
    });

    test('publishing gives the tracking id and version 1, whose CSAF document passes the validator', async () => {
      const published = await publish(advisoryId, {});
      trackingId = published.trackingId;
      assert.equal(trackingId, `ADV-A-${year}-0001`);
      assert.equal(published.state, 'published');
      assert.equal(published.version, 1);
      assert.equal(published.trackingStatus, 'final');
      assert.equal(published.pendingChanges, false);
      assert.equal(published.csafFileName, `adv-a-${year}-0001.json`);
      const response = await call(analystB, 'GET', `/advisories/${advisoryId}/csaf`);
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^application\/json/);
      assert.match(String(response.headers['content-disposition']), new RegExp(`filename="adv-a-${year}-0001\\.json"`));
      const document = response.json();
      assert.deepEqual(await validateCsaf(document), []);
      assert.equal(document.document.tracking.id, trackingId);
      assert.equal(document.document.tracking.version, '1');
      assert.equal(document.document.tracking.status, 'final');
      assert.deepEqual(document.document.tracking.revision_history.map((r: { number: string; summary: string }) => [r.number, r.summary]), [['1', 'Initial release']]);
      assert.equal(document.document.distribution.tlp.label, 'GREEN');
      assert.deepEqual(document.document.publisher, { category: 'coordinator', name: 'ADV-A national CERT', namespace: 'urn:sanad:test-hub:adv-a' });
      const byTracking = (await call(analystB, 'GET', `/advisories?trackingId=${trackingId.toLowerCase()}`)).json().items;
      assert.deepEqual(byTracking.map((a: { id: string; state: string }) => [a.id, a.state]), [[advisoryId, 'published']]);
      assert.equal((await call(analystA, 'POST', `/advisories/${advisoryId}/publish`)).statusCode, 409, 'nothing changed since version 1');
      assert.equal((await call(readerA, 'POST', `/advisories/${advisoryId}/publish`)).statusCode, 403);
    });

    test('other teams read what was published, never the pending edits', async () => {
      const edited = await call(analystA, 'PATCH', `/advisories/${advisoryId}`, { title: 'EdgeGate VPN command injection (updated)', notes: [{ category: 'summary', text: 'Second fix released.' }] });
      assert.equal(edited.statusCode, 200, edited.body);
      assert.equal(edited.json().pendingChanges, true);
      assert.equal(edited.json().title, 'EdgeGate VPN command injection (updated)');
      const seenByB = (await call(analystB, 'GET', `/advisories/${advisoryId}`)).json();
      assert.equal(seenByB.title, 'EdgeGate VPN command injection');
      assert.equal(seenByB.notes[0].text, SAMPLE_CONTENT.csaf_security_advisory.notes[0]!.text);
      assert.equal(seenByB.pendingChanges, false);
      assert.equal((await call(analystB, 'PATCH', `/advisories/${advisoryId}`, { title: 'hijack' })).statusCode, 403);
      assert.equal((await call(analystB, 'GET', `/advisories/${advisoryId}/csaf?draft=true`)).statusCode, 403);
      const draft = await exportOf(analystA, `/advisories/${advisoryId}/csaf?draft=true`);
      assert.equal(draft.document.tracking.status, 'draft');
      assert.equal(draft.document.title, 'EdgeGate VPN command injection (updated)');
      assert.deepEqual(await validateCsaf(draft), []);
    });

    test('publishing again adds a revision; every version stays retrievable as it was', async () => {
      const second = await publish(advisoryId, { status: 'interim', summary: 'Second fix released' });
      assert.equal(second.version, 2);
      assert.equal(second.trackingId, trackingId, 'the tracking id stays');
      assert.equal(second.trackingStatus, 'interim');
      const latest = await exportOf(analystB, `/advisories/${advisoryId}/csaf`);
      assert.deepEqual(await validateCsaf(latest), []);
      assert.equal(latest.document.tracking.version, '2');
      assert.equal(latest.document.tracking.status, 'interim');
      assert.deepEqual(latest.document.tracking.revision_history.map((r: { number: string; summary: string }) => [r.number, r.summary]), [['1', 'Initial release'], ['2', 'Second fix released']]);
      assert.equal(latest.document.tracking.initial_release_date, latest.document.tracking.revision_history[0].date);
      const first = await exportOf(analystB, `/advisories/${advisoryId}/versions/1/csaf`);
      assert.equal(first.document.title, 'EdgeGate VPN command injection');
      assert.equal(first.document.tracking.revision_history.length, 1);
      const versions = (await call(analystB, 'GET', `/advisories/${advisoryId}/versions`)).json().items;
      assert.deepEqual(versions.map((v: { number: number; status: string }) => [v.number, v.status]), [[1, 'final'], [2, 'interim']]);
      assert.equal((await call(analystB, 'GET', `/advisories/${advisoryId}/versions/3/csaf`)).statusCode, 404);
    });

    test('TLP in CSAF 2.0: CLEAR is WHITE; AMBER+STRICT is refused unless raised to RED, never AMBER', async () => {
      assert.equal((await call(analystA, 'PATCH', `/advisories/${advisoryId}`, { tlp: 'CLEAR' })).statusCode, 200);
      assert.equal((await exportOf(analystA, `/advisories/${advisoryId}/csaf`)).document.distribution.tlp.label, 'WHITE');
      assert.equal((await call(analystA, 'PATCH', `/advisories/${advisoryId}`, { tlp: 'AMBER+STRICT' })).statusCode, 200);
      const refused = await call(analystA, 'GET', `/advisories/${advisoryId}/csaf`);
      assert.equal(refused.statusCode, 422);
      assert.match(String(refused.headers['content-type']), /^application\/problem\+json/);
      assert.equal(refused.json().field, 'tlp');
      assert.match(refused.json().reason, /AMBER\+STRICT/);
      assert.equal((await call(analystA, 'GET', `/advisories/${advisoryId}/versions/1/csaf`)).statusCode, 422);
      const raised = await exportOf(analystA, `/advisories/${advisoryId}/csaf?raise=red`);
      assert.equal(raised.document.distribution.tlp.label, 'RED');
      assert.match(raised.document.distribution.text, /AMBER\+STRICT/);
      assert.deepEqual(await validateCsaf(raised), []);
      assert.equal((await call(analystA, 'GET', `/advisories/${advisoryId}/csaf?raise=amber`)).statusCode, 400);
      assert.equal((await call(analystA, 'GET', `/advisories/${advisoryId}/versions/1/csaf?draft=true`)).statusCode, 400);
      // Feeds list it under RED, linking the raised document.
      const red = (await call(analystA, 'GET', '/advisories/feed/red.json')).json().feed.entry;
      assert.deepEqual(red.map((e: { id: string; content: { src: string } }) => [e.id, e.content.src]), [[trackingId, `http://localhost:80/api/v1/advisories/${advisoryId}/csaf?raise=red`]]);
      assert.equal((await call(analystA, 'GET', '/advisories/feed/amber.json')).json().feed.entry.length, 0);
      // AMBER+STRICT in community reaches team B, but its export never says AMBER.
      assert.equal((await call(analystB, 'GET', `/advisories/${advisoryId}/csaf`)).statusCode, 422);
      assert.equal((await call(analystA, 'PATCH', `/advisories/${advisoryId}`, { tlp: 'GREEN' })).statusCode, 200);
    });

    test('each profile is checked before publication; every category publishes valid CSAF', async () => {
      const empty = await create(analystA, { title: 'Empty advisory', category: 'csaf_security_advisory', tlp: 'AMBER', distribution: 'organisation' });
      const refused = await call(analystA, 'POST', `/advisories/${empty.id}/publish`);
      assert.equal(refused.statusCode, 422);
      assert.equal(refused.json().field, 'productTree');
      const vex = await create(analystA, { title: 'VEX with gaps', category: 'csaf_vex', tlp: 'AMBER', distribution: 'organisation', ...SAMPLE_CONTENT.csaf_vex });
      const fixedVex = await call(analystA, 'PATCH', `/advisories/${vex.id}`, {
        vulnerabilities: [{ ...SAMPLE_CONTENT.csaf_vex.vulnerabilities[0], flags: undefined }].map(({ flags: _f, ...v }) => v),
      });
      assert.equal(fixedVex.statusCode, 200, fixedVex.body);
      const vexRefused = await call(analystA, 'POST', `/advisories/${vex.id}/publish`);
      assert.equal(vexRefused.statusCode, 422);
      assert.equal(vexRefused.json().field, 'vulnerabilities[0].productStatus.knownNotAffected[0]');
      assert.equal((await call(analystA, 'PATCH', `/advisories/${vex.id}`, { vulnerabilities: SAMPLE_CONTENT.csaf_vex.vulnerabilities })).statusCode, 200);
      for (const [id, category] of [[vex.id, 'csaf_vex']] as const) {
        await publish(id);
        const document = await exportOf(analystA, `/advisories/${id}/csaf`);
        assert.equal(document.document.category, category);
        assert.deepEqual(await validateCsaf(document), []);
      }
      const base = await create(analystA, { title: 'Phishing wave', category: 'csaf_base', tlp: 'AMBER', distribution: 'organisation', ...SAMPLE_CONTENT.csaf_base });
      await publish(base.id);
      const document = await exportOf(analystA, `/advisories/${base.id}/csaf`);
      assert.deepEqual(await validateCsaf(document), []);
      assert.equal(document.document.tracking.id, `ADV-A-${year}-0003`, 'numbers run per team and year in order of first publication');
      assert.equal((await call(analystB, 'GET', `/advisories/${base.id}`)).statusCode, 404, 'distribution organisation');
    });

    test('a team imports another team’s exported document; it re-exports unchanged but for the label', async () => {
      const original = await exportOf(analystB, `/advisories/${advisoryId}/csaf`);
      const imported = await call(analystB, 'POST', '/advisories/import?tlp=AMBER', original);
      assert.equal(imported.statusCode, 201, imported.body);
      const { advisory } = imported.json();
      assert.equal(advisory.source, 'imported');
      assert.equal(advisory.ownerOrgId, team.B);
      assert.equal(advisory.trackingId, trackingId);
      assert.equal(advisory.tlp, 'AMBER');
      const again = await exportOf(analystB, `/advisories/${advisory.id}/csaf`);
      assert.deepEqual(again, { ...original, document: { ...original.document, distribution: { ...original.document.distribution, tlp: { ...original.document.distribution.tlp, label: 'AMBER' } } } });
      assert.equal((await call(analystB, 'POST', '/advisories/import', original)).statusCode, 409, 'the same version twice');
      const contentEdit = await call(analystB, 'PATCH', `/advisories/${advisory.id}`, { title: 'Mine now' });
      assert.equal(contentEdit.statusCode, 422);
      assert.equal(contentEdit.json().field, 'title');
      const wider = await call(analystB, 'PATCH', `/advisories/${advisory.id}`, { tlp: 'CLEAR' });
      assert.equal(wider.statusCode, 422, 'the publisher labelled it GREEN');
      assert.equal(wider.json().field, 'tlp');
      assert.equal((await call(analystB, 'PATCH', `/advisories/${advisory.id}`, { tlp: 'RED', distribution: 'organisation' })).statusCode, 200);
      assert.equal((await call(analystB, 'POST', `/advisories/${advisory.id}/publish`)).statusCode, 409);
      const widened = await call(analystC, 'POST', '/advisories/import?tlp=CLEAR', original);
      assert.equal(widened.statusCode, 422, 'GREEN-labelled document imported as CLEAR would widen it');
      assert.equal(widened.json().field, 'tlp');
      const invalid = await call(analystC, 'POST', '/advisories/import', { ...original, document: { ...original.document, csaf_version: '2.1' } });
      assert.equal(invalid.statusCode, 422);
      assert.equal(invalid.json().field, 'document.csaf_version');
      assert.match(invalid.json().reason, /CSAF 2\.0 JSON schema/);
      assert.equal((await call(readerA, 'POST', '/advisories/import', original)).statusCode, 403);
      const huge = await app.request({ method: 'POST', url: '/api/v1/advisories/import', session: analystC, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ document: { title: 'x'.repeat(9 * 1024 * 1024) } }) });
      assert.equal(huge.statusCode, 413);
    });

    test('feeds list only what the caller may see; an AMBER advisory of a sharing group never reaches an outsider', async () => {
      const group = await call(managerA, 'POST', '/sharing-groups', { name: 'Advisory partners', members: [{ orgId: team.B }] });
      assert.equal(group.statusCode, 201, group.body);
      const amber = await create(analystA, { title: 'Partners only', category: 'csaf_base', tlp: 'AMBER', distribution: 'sharing_group', sharingGroupId: group.json().id, ...SAMPLE_CONTENT.csaf_base });
      await publish(amber.id);
      const feedOf = async (session: Session | undefined, label: string) => {
        const response = await call(session, 'GET', `/advisories/feed/${label}.json`);
        assert.equal(response.statusCode, 200, response.body);
        return response.json().feed as { link: { href: string }[]; entry: { id: string; title: string; content: { src: string }; format: { version: string } }[] };
      };
      const seenByB = await feedOf(analystB, 'amber');
      assert.ok(seenByB.entry.some((e) => e.title === 'Partners only'));
      assert.equal(seenByB.link[0]!.href, 'http://localhost:80/api/v1/advisories/feed/amber.json');
      const entry = seenByB.entry.find((e) => e.title === 'Partners only')!;
      assert.equal(entry.content.src, `http://localhost:80/api/v1/advisories/${amber.id}/csaf`);
      assert.equal(entry.format.version, '2.0');
      for (const label of ['white', 'green', 'amber', 'red']) {
        const seenByC = await feedOf(analystC, label);
        assert.ok(!seenByC.entry.some((e) => e.title === 'Partners only'), `team C in the ${label} feed`);
      }
      assert.deepEqual((await feedOf(analystB, 'green')).entry.map((e) => e.id), [trackingId]);
      assert.equal((await call(undefined, 'GET', '/advisories/feed/white.json')).statusCode, 401, 'CLEAR not opened to the anonymous');
      assert.equal((await call(analystB, 'GET', '/advisories/feed/purple.json')).statusCode, 400);
    });

    test('a team is named as publisher by the domain of its role address when it has one', () => {
      assert.deepEqual(publisherOf({ name: 'MyCERT', shortName: 'MYCERT', contacts: JSON.stringify({ roleEmail: 'cert@mycert.org.my' }) }, 'Hub'), {
        category: 'coordinator',
        name: 'MyCERT',
        namespace: 'https://mycert.org.my',
        contact_details: 'cert@mycert.org.my',
      });
      assert.equal(publisherOf({ name: 'X', shortName: 'X CERT', contacts: '{}' }, 'OIC Hub').namespace, 'urn:sanad:oic-hub:x-cert');
    });

    test('the provider metadata names the operators and one ROLIE feed per label', async () => {
      const response = await call(undefined, 'GET', '/.well-known/csaf/provider-metadata.json');
      assert.equal(response.statusCode, 200, response.body);
      const metadata = response.json();
      assert.equal(metadata.canonical_url, 'http://localhost:80/.well-known/csaf/provider-metadata.json');
      assert.equal(metadata.role, 'csaf_provider');
      assert.equal(metadata.metadata_version, '2.0');
      assert.equal(metadata.publisher.name, 'Test hub operators');
      assert.equal(metadata.publisher.category, 'coordinator');
      assert.equal(metadata.list_on_CSAF_aggregators, false);
      assert.deepEqual(
        metadata.distributions[0].rolie.feeds.map((f: { tlp_label: string; url: string }) => [f.tlp_label, f.url]),
        ['WHITE', 'GREEN', 'AMBER', 'RED'].map((l) => [l, `http://localhost:80/api/v1/advisories/feed/${l.toLowerCase()}.json`]),
      );
      assert.ok(Date.parse(metadata.last_updated) > 0);
    });

    test('withdrawal leaves a tombstone; every change was audited', async () => {
      assert.equal((await call(readerA, 'DELETE', `/advisories/${advisoryId}`)).statusCode, 403);
      assert.equal((await call(analystA, 'DELETE', `/advisories/${advisoryId}`)).statusCode, 204);
      assert.equal((await call(analystA, 'GET', `/advisories/${advisoryId}`)).statusCode, 404);
      assert.equal((await call(analystB, 'GET', `/advisories/${advisoryId}/versions/1/csaf`)).statusCode, 404);
      assert.ok(!(await call(analystB, 'GET', '/advisories/feed/green.json')).json().feed.entry.some((e: { id: string }) => e.id === trackingId));
      const tombstone = await app.ctx.store.db.selectFrom('advisory').selectAll().where('id', '=', advisoryId).executeTakeFirstOrThrow();
      assert.equal(tombstone.deleted, 1);
      assert.equal(tombstone.tracking_id, trackingId);
      assert.equal(tombstone.title, '');
      assert.equal((await app.ctx.store.db.selectFrom('advisory_version').select('number').where('advisory_id', '=', advisoryId).execute()).length, 0);
      const audit = await app.ctx.store.db.selectFrom('audit_log').select('action').where('object_id', '=', advisoryId).orderBy('seq').execute();
      assert.deepEqual(audit.map((a) => a.action), [
        'advisory.create',
        'advisory.publish',
        'advisory.update',
        'advisory.publish',
        'advisory.update',
        'advisory.update',
        'advisory.update',
        'advisory.withdraw',
      ]);
    });
  });

  describe(`advisories read without an account (${engine})`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp(engine, { anonymousClearAccess: true });
      const teamId = await app.addOrganisation('OPEN-CERT');
      const analyst = await app.addUser(teamId, 'analyst');
      for (const [title, tlp, distribution] of [['Public bulletin', 'CLEAR', 'community'], ['Members bulletin', 'GREEN', 'community'], ['Own bulletin', 'CLEAR', 'organisation']] as const) {
        const created = await app.request({ method: 'POST', url: '/api/v1/advisories', session: analyst, payload: { title, category: 'csaf_base', tlp, distribution, ...SAMPLE_CONTENT.csaf_base } });
        assert.equal(created.statusCode, 201, created.body);
        assert.equal((await app.request({ method: 'POST', url: `/api/v1/advisories/${created.json().id}/publish`, session: analyst })).statusCode, 200);
      }
    });
    after(() => app.close());

    test('when the operator opens TLP:CLEAR: only the WHITE feed, only CLEAR advisories shared beyond the team', async () => {
      const white = await app.request({ method: 'GET', url: '/api/v1/advisories/feed/white.json' });
      assert.equal(white.statusCode, 200, white.body);
      assert.deepEqual(white.json().feed.entry.map((e: { title: string }) => e.title), ['Public bulletin']);
      assert.equal((await app.request({ method: 'GET', url: '/api/v1/advisories/feed/clear.json' })).json().feed.entry.length, 1);
      assert.equal((await app.request({ method: 'GET', url: '/api/v1/advisories/feed/green.json' })).statusCode, 401);
      const listed = await app.request({ method: 'GET', url: '/api/v1/advisories' });
      assert.deepEqual(listed.json().items.map((a: { title: string }) => a.title), ['Public bulletin']);
      const id = listed.json().items[0].id;
      const document = await app.request({ method: 'GET', url: `/api/v1/advisories/${id}/csaf` });
      assert.equal(document.statusCode, 200);
      assert.equal(document.json().document.distribution.tlp.label, 'WHITE');
      const metadata = (await app.request({ method: 'GET', url: '/.well-known/csaf/provider-metadata.json' })).json();
      assert.equal(metadata.list_on_CSAF_aggregators, true);
    });
  });
}
