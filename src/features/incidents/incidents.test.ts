import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { startTestApp, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { testEngines } from '../../../test/helpers/store.ts';
import { updateOrganisationProfile } from '../organisations/service.ts';
import { loadRirStatistics } from '../routing/service.ts';
import { systemViewer } from '../../policy/viewer.ts';
import { escalateDue } from './service.ts';
import { listVisibleIncidents } from './queries.ts';
import { queryWords } from '../../domain/search-terms.ts';

type Json = Record<string, any>;
const operator = { viewer: systemViewer('test'), sourceIp: null };

// A small delegated-extended statistics file in the registries' format: 198.51.100.0/24 to Indonesia,
// 203.0.113.0/24 to Saudi Arabia, AS64501 to Indonesia.
const RIR_FILE = [
  '2|apnic|20261122|3|19830613|20261121|+1000',
  'apnic|*|ipv4|*|2|summary',
  'apnic|ID|ipv4|198.51.100.0|256|20100101|allocated|A1',
  'apnic|SA|ipv4|203.0.113.0|256|20100101|allocated|A2',
  'apnic|ID|asn|64501|1|20100101|allocated|A1',
].join('\n');

for (const engine of await testEngines()) {
  describe(`incidents (${engine})`, () => {
    let app: TestApp;
    const team = { A: '', B: '', C: '' };
    let analystA: Session;
    let analystB: Session;
    let analystC: Session;
    let readerA: Session;
    let readerB: Session;
    let secretariat: Session;

    before(async () => {
      app = await startTestApp(engine);
      team.A = await app.addOrganisation('INC-A', 'MY');
      team.B = await app.addOrganisation('INC-B', 'ID');
      team.C = await app.addOrganisation('INC-C', 'SA');
      await updateOrganisationProfile(app.ctx, operator, team.A, { contacts: { roleEmail: 'cert@a.example', timeZone: 'Asia/Kuala_Lumpur', businessHours: 'Mon-Fri 09:00-17:00' } });
      await updateOrganisationProfile(app.ctx, operator, team.B, { contacts: { roleEmail: 'cert@b.example' }, constituency: { ipPrefixes: ['192.0.2.0/24'], domains: ['b-gov.example'] } });
      analystA = await app.addUser(team.A, 'analyst');
      analystB = await app.addUser(team.B, 'analyst');
      analystC = await app.addUser(team.C, 'analyst');
      readerA = await app.addUser(team.A, 'reader');
      readerB = await app.addUser(team.B, 'reader');
      secretariat = await app.addUser(app.hubOrgId, 'secretariat');
      await loadRirStatistics(app.ctx, operator, Readable.from([RIR_FILE]));
    });
    after(() => app.close());

    const call = (session: Session | undefined, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      app.request({ method, url: `/api/v1${url}`, session, ...(payload ? { payload } : {}) });
    const ok = async (session: Session | undefined, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, status = 200) => {
      const response = await call(session, method, url, payload);
      assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
      return response.json() as Json;
    };
    const problem = async (session: Session | undefined, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload: object | undefined, status: number, field?: string) => {
      const response = await call(session, method, url, payload);
      assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
      assert.match(String(response.headers['content-type']), /application\/problem\+json/);
      if (field) assert.equal(response.json().field, field, response.body);
      return response.json() as Json;
    };
    const open = (session: Session, extra: Json = {}) =>
      ok(session, 'POST', '/incidents', { title: 'Ransomware at a ministry', classification: 'malicious-code', rsitType: 'infected-system', severity: 'high', tlp: 'AMBER', ...extra }, 201);

    test('an incident gets the node reference, exact RSIT machine values, SLA timers and a created entry', async () => {
      const year = new Date().getUTCFullYear();
      const first = await open(analystA, { classification: 'Malicious-Code', rsitType: 'Infected-System', impact: { affectedSystems: 40, lossAmount: '125000.50', lossCurrency: 'MYR' } });
      const second = await open(analystA);
      assert.match(first.reference, new RegExp(`^MY-${year}-\\d{5}$`));
      assert.equal(Number(second.reference.slice(-5)), Number(first.reference.slice(-5)) + 1);
      assert.equal(first.classification, 'malicious-code');
      assert.equal(first.rsitTag, 'rsit:malicious-code="infected-system"');
      assert.equal(first.status, 'new');
      assert.deepEqual(first.impact, { affectedSystems: 40, affectedPeople: null, lossAmount: '125000.50', lossCurrency: 'MYR' });
      assert.equal(first.reporter.kind, 'team');
      assert.equal(first.reporter.orgId, team.A);
      assert.equal(first.sla.acknowledge.state, 'running');
      assert.ok(Date.parse(first.sla.resolve.dueAt) > Date.parse(first.sla.acknowledge.dueAt));
      assert.deepEqual(first.nextStatuses.map((s: Json) => s.to), ['triaged', 'rejected']);
      const timeline = await ok(analystA, 'GET', `/incidents/${first.id}/timeline`);
      assert.equal(timeline.items[0].kind, 'created');
    });

    test('bad input names the field and changes nothing', async () => {
      const before = (await app.ctx.store.db.selectFrom('incident').select('id').execute()).length;
      await problem(analystA, 'POST', '/incidents', { title: 'x', classification: 'not-a-class', severity: 'low', tlp: 'GREEN' }, 422, 'classification');
      await problem(analystA, 'POST', '/incidents', { title: 'x', classification: 'fraud', rsitType: 'infected-system', severity: 'low', tlp: 'GREEN' }, 422, 'rsitType');
      await problem(analystA, 'POST', '/incidents', { title: 'x', classification: 'fraud', severity: 'urgent', tlp: 'GREEN' }, 400, 'severity');
      await problem(analystA, 'POST', '/incidents', { title: 'x', classification: 'fraud', severity: 'low', tlp: 'GREEN', observables: [{ type: 'ip-dst', value: '300.1.2.3' }] }, 422, 'observables[0].value');
      await problem(analystA, 'POST', '/incidents', { title: 'x', classification: 'fraud', severity: 'low', tlp: 'GREEN', observables: [{ value: 'no indicator here' }] }, 422, 'observables[0].value');
      await problem(analystA, 'POST', '/incidents', { title: 'x', classification: 'fraud', severity: 'low', tlp: 'GREEN', impact: { lossAmount: '10' } }, 422, 'impact.lossCurrency');
      await problem(analystA, 'POST', '/incidents', { title: 'x', classification: 'fraud', severity: 'low', tlp: 'GREEN', assigneeUserId: analystB.userId }, 422, 'assigneeUserId');
      await problem(analystA, 'POST', '/incidents', { title: 'x', classification: 'fraud', severity: 'low', tlp: 'GREEN', unknown: 1 }, 400);
      await problem(readerA, 'POST', '/incidents', { title: 'x', classification: 'fraud', severity: 'low', tlp: 'GREEN' }, 403);
      await problem(undefined, 'GET', '/incidents', undefined, 401);
      assert.equal((await app.ctx.store.db.selectFrom('incident').select('id').execute()).length, before);
    });

    test('only the named teams see an incident: the owner, the reporting team and the teams asked', async () => {
      const incident = await open(analystA, { tlp: 'RED', title: 'Visible only to named teams' });
      await problem(analystB, 'GET', `/incidents/${incident.id}`, undefined, 404);
      assert.ok(!(await ok(analystB, 'GET', '/incidents?limit=200')).items.some((i: Json) => i.id === incident.id));
      await problem(analystB, 'POST', `/incidents/${incident.id}/comments`, { body: 'let me in' }, 404);

      await ok(analystA, 'POST', `/incidents/${incident.id}/coordination`, { orgIds: [team.B], action: 'act', message: 'Please take down 192.0.2.10' });
      const seenByB = await ok(readerB, 'GET', `/incidents/${incident.id}`);
      assert.equal(seenByB.coordination[0].orgId, team.B);
      assert.equal(seenByB.mine, false);
      assert.ok((await ok(analystB, 'GET', '/incidents?limit=200')).items.some((i: Json) => i.id === incident.id));
      await problem(analystC, 'GET', `/incidents/${incident.id}`, undefined, 404);

      const reported = await open(analystC, { reporter: { kind: 'team', orgId: team.A }, title: 'Reported by A, owned by C' });
      assert.equal((await ok(analystA, 'GET', `/incidents/${reported.id}`)).reporter.orgId, team.A);
      await problem(analystB, 'GET', `/incidents/${reported.id}`, undefined, 404);

      // Internal entries stay with their team.
      await ok(analystA, 'POST', `/incidents/${incident.id}/comments`, { body: 'A only: suspect insider', internal: true }, 201);
      await ok(analystB, 'POST', `/incidents/${incident.id}/comments`, { body: 'B only: our ISP contact is slow', internal: true }, 201);
      await ok(analystB, 'POST', `/incidents/${incident.id}/comments`, { body: 'Shared: takedown requested' }, 201);
      const bodies = async (s: Session) => (await ok(s, 'GET', `/incidents/${incident.id}/timeline`)).items.map((e: Json) => e.body);
      const forA = await bodies(analystA);
      const forB = await bodies(analystB);
      assert.ok(forA.includes('A only: suspect insider') && !forA.includes('B only: our ISP contact is slow') && forA.includes('Shared: takedown requested'));
      assert.ok(forB.includes('B only: our ISP contact is slow') && !forB.includes('A only: suspect insider'));

      // Only the owner runs it.
      await problem(analystB, 'POST', `/incidents/${incident.id}/status`, { status: 'triaged' }, 403);
      await problem(analystB, 'PATCH', `/incidents/${incident.id}`, { title: 'taken over' }, 403);
      await problem(readerA, 'POST', `/incidents/${incident.id}/status`, { status: 'triaged' }, 403);
    });

    test('the lifecycle takes only allowed steps, asks reasons where owed and records milestones', async () => {
      const incident = await open(analystA, { severity: 'critical' });
      await problem(analystA, 'POST', `/incidents/${incident.id}/status`, { status: 'resolved' }, 422, 'status');
      await problem(analystA, 'POST', `/incidents/${incident.id}/status`, { status: 'rejected' }, 422, 'reason');
      const triaged = await ok(analystA, 'POST', `/incidents/${incident.id}/status`, { status: 'triaged' });
      assert.ok(triaged.acknowledgedAt);
      assert.equal(triaged.sla.acknowledge.state, 'met');
      const working = await ok(analystA, 'POST', `/incidents/${incident.id}/status`, { status: 'in_progress' });
      assert.ok(working.firstResponseAt);
      const closed = await ok(analystA, 'POST', `/incidents/${incident.id}/status`, { status: 'closed' });
      assert.ok(closed.resolvedAt && closed.closedAt);
      assert.equal(closed.sla.resolve.state, 'met');
      await problem(analystA, 'POST', `/incidents/${incident.id}/status`, { status: 'in_progress' }, 422, 'reason');
      const reopened = await ok(analystA, 'POST', `/incidents/${incident.id}/status`, { status: 'in_progress', reason: 'the attacker came back' });
      assert.equal(reopened.status, 'in_progress');
      assert.equal(reopened.resolvedAt, null);
      const statuses = (await ok(analystA, 'GET', `/incidents/${incident.id}/timeline`)).items.filter((e: Json) => e.kind === 'status');
      assert.deepEqual(statuses.map((e: Json) => e.details.to), ['triaged', 'in_progress', 'closed', 'in_progress']);
      assert.equal(statuses.at(-1).body, 'the attacker came back');
    });

    test('each asked team accepts, declines with a reason, asks for information or completes its own part', async () => {
      const incident = await open(analystA);
      await problem(analystA, 'POST', `/incidents/${incident.id}/coordination`, { orgIds: [team.A] }, 422, 'orgIds[0]');
      const asked = await ok(analystA, 'POST', `/incidents/${incident.id}/coordination`, { orgIds: [team.B, team.C], action: 'assist' });
      assert.deepEqual(asked.coordination.map((c: Json) => c.status), ['requested', 'requested']);
      await problem(analystA, 'POST', `/incidents/${incident.id}/coordination`, { orgIds: [team.B] }, 409, 'orgIds[0]');
      const partB = asked.coordination.find((c: Json) => c.orgId === team.B);
      const partC = asked.coordination.find((c: Json) => c.orgId === team.C);

      await problem(analystA, 'POST', `/incidents/${incident.id}/coordination/${partB.id}`, { status: 'accepted' }, 403);
      await problem(analystC, 'POST', `/incidents/${incident.id}/coordination/${partB.id}`, { status: 'accepted' }, 403);
      await problem(readerB, 'POST', `/incidents/${incident.id}/coordination/${partB.id}`, { status: 'accepted' }, 403);
      await problem(analystC, 'POST', `/incidents/${incident.id}/coordination/${partC.id}`, { status: 'declined' }, 422, 'reason');
      await ok(analystC, 'POST', `/incidents/${incident.id}/coordination/${partC.id}`, { status: 'declined', reason: 'outside our constituency' });

      await ok(analystB, 'POST', `/incidents/${incident.id}/coordination/${partB.id}`, { status: 'info_requested', note: 'which hosting provider?' });
      await ok(analystA, 'POST', `/incidents/${incident.id}/coordination/${partB.id}`, { status: 'requested', note: 'AS64500, see the observables' });
      await ok(analystB, 'POST', `/incidents/${incident.id}/coordination/${partB.id}`, { status: 'accepted' });
      await problem(analystB, 'POST', `/incidents/${incident.id}/coordination/${partB.id}`, { status: 'declined', reason: 'changed our mind' }, 422, 'status');
      const done = await ok(analystB, 'POST', `/incidents/${incident.id}/coordination/${partB.id}`, { status: 'completed', note: 'server taken down' });
      const states = Object.fromEntries(done.coordination.map((c: Json) => [c.orgId, c]));
      assert.equal(states[team.B].status, 'completed');
      assert.ok(states[team.B].completedAt);
      assert.equal(states[team.C].status, 'declined');
      assert.equal(states[team.C].reason, 'outside our constituency');
      // A declined team keeps the view it was given, but cannot reopen its part.
      await problem(analystC, 'POST', `/incidents/${incident.id}/coordination/${partC.id}`, { status: 'accepted' }, 422, 'status');
    });

    test('observables are normalised, routed with the deciding source, and matched with visible intelligence', async () => {
      await ok(analystC, 'POST', '/events', { info: 'C saw this IP', tlp: 'GREEN', distribution: 'community', published: true, indicators: [{ type: 'ip-dst', value: '198.51.100.7' }] }, 201);
      await ok(analystC, 'POST', '/events', { info: 'C keeps this to itself', tlp: 'AMBER', distribution: 'organisation', published: true, indicators: [{ type: 'ip-dst', value: '198.51.100.7' }] }, 201);
      const incident = await open(analystA, {
        observables: [
          { value: '192.0.2.10' },
          { value: '198[.]51[.]100[.]7' },
          { type: 'domain', value: 'Portal.B-Gov.Example' },
          { value: 'hxxp://shop.example[.]id/login' },
          { type: 'ip-dst', value: '203.0.113.5' },
          { type: 'AS', value: 'AS64501' },
          { value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
        ],
      });
      assert.equal(incident.observableCount, 7);
      const items = (await ok(analystA, 'GET', `/incidents/${incident.id}/observables`)).items as Json[];
      const byValue = Object.fromEntries(items.map((o) => [o.normalised, o]));

      const constituency = byValue['192.0.2.10'];
      assert.equal(constituency.routing.decidedBy, 'constituency-ip');
      assert.equal(constituency.routing.teams[0].orgId, team.B);
      assert.equal(constituency.routing.teams[0].detail, '192.0.2.0/24');

      const registered = byValue['198.51.100.7'];
      assert.equal(registered.value, '198.51.100.7', 'defanged input is refanged');
      assert.equal(registered.routing.decidedBy, 'rir-ip');
      assert.equal(registered.routing.teams[0].orgId, team.B);
      assert.deepEqual(registered.routing.countries, ['ID']);
      assert.equal(registered.intel.matches, 1, 'only the event C shared with the community matches');
      assert.equal(registered.intel.events[0].info, 'C saw this IP');

      assert.equal(byValue['portal.b-gov.example'].routing.decidedBy, 'constituency-domain');
      assert.equal(byValue['http://shop.example.id/login'].routing.decidedBy, 'cctld');
      assert.equal(byValue['http://shop.example.id/login'].routing.teams[0].orgId, team.B);
      assert.equal(byValue['203.0.113.5'].routing.teams[0].orgId, team.C);
      assert.equal(byValue['AS64501'].routing.decidedBy, 'rir-asn');
      const hash = byValue['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'];
      assert.deepEqual(hash.routing.teams, []);
      assert.ok(hash.routing.reason);

      // Observables make the incident findable.
      const found = (await ok(analystA, 'GET', `/incidents?q=${encodeURIComponent('b-gov.example')}`)).items as Json[];
      assert.deepEqual(found.map((i) => i.id), [incident.id]);
      const added = await ok(analystA, 'POST', `/incidents/${incident.id}/observables`, { observables: [{ type: 'email-src', value: 'attacker@mail.example.sa' }] }, 201);
      assert.equal(added.items[0].routing.decidedBy, 'cctld');
      await problem(analystA, 'POST', `/incidents/${incident.id}/observables`, { observables: [{ type: 'md5', value: 'abc' }] }, 422, 'observables[0].value');
    });

    test('search finds words of the reference, title, description and observables, and follows edits', async () => {
      const incident = await open(analystA, { title: 'Credential stuffing against webmail', description: 'Seen from scanner-7.example.net', observables: [{ value: '203.0.113.77' }] });
      const found = async (q: string) => ((await ok(analystA, 'GET', `/incidents?q=${encodeURIComponent(q)}`)).items as Json[]).map((i) => i.id);
      assert.ok((await found('credential STUFF')).includes(incident.id));
      assert.ok((await found('scanner-7')).includes(incident.id));
      assert.ok((await found('203.0.113')).includes(incident.id));
      assert.ok((await found(incident.reference.toLowerCase())).includes(incident.id));
      assert.ok(!(await found('credential 198.51.100.1')).includes(incident.id));
      await ok(analystA, 'PATCH', `/incidents/${incident.id}`, { title: 'Password spraying against webmail' });
      assert.ok((await found('spraying')).includes(incident.id));
      assert.ok(!(await found('stuffing')).includes(incident.id));
      assert.ok((await found('203.0.113.77')).includes(incident.id), 'observables stay searchable after an edit');
      assert.equal(((await ok(analystB, 'GET', '/incidents?q=spraying')).items as Json[]).length, 0, 'search never reaches past visibility');
    });

    test('a search finds the same incidents whether it starts from its rarest word or walks the list', async () => {
      for (const [i, title] of ['Botnet beacon from ministry portal', 'Botnet sinkhole at ministry', 'Phishing portal of a bank', 'Ministry botnet and phishing'].entries()) {
        await open(i % 2 ? analystA : analystB, { title, description: `walk-${i}`, observables: [{ value: `198.51.100.${40 + i}` }] });
      }
      const viewers = [systemViewer('test'), { kind: 'user' as const, userId: crypto.randomUUID(), orgId: team.A, email: 'a@a.example', role: 'analyst' as const, via: 'session' as const }];
      for (const viewer of viewers) {
        for (const query of ['botnet', 'botnet ministry', 'ministry portal botnet', 'phishing 198.51.100', 'walk-3 botnet', 'botnet nomatchword']) {
          const words = queryWords(query);
          const ids = async (leadingWordLimit: number) => (await listVisibleIncidents(app.ctx.store.db, viewer, { words, limit: 100, leadingWordLimit })).map((row) => row.id);
          const led = await ids(2000);
          assert.deepEqual(await ids(1), led, `${viewer.kind}: "${query}"`);
          if (query === 'botnet ministry') assert.ok(led.length >= (viewer.kind === 'system' ? 3 : 1), `"${query}" finds the botnet incidents`);
        }
      }
    });

    test('routing answers for a single value and in bulk, and the CLI data is visible', async () => {
      const one = await ok(analystA, 'GET', `/routing?value=${encodeURIComponent('192.0.2.99')}`);
      assert.equal(one.teams[0].orgId, team.B);
      const many = await ok(analystA, 'POST', '/routing', { observables: [{ value: '203.0.113.1' }, { value: 'nothing.invalid-tld-zz' }, { value: 'example.my', country: 'MY' }] });
      assert.equal(many.results[0].teams[0].orgId, team.C);
      assert.equal(many.results[0].decidedBy, 'rir-ip');
      assert.equal(many.results[2].decidedBy, 'cctld');
      await problem(analystA, 'POST', '/routing', { observables: [{ type: 'no-such-type', value: 'x' }] }, 422, 'observables[0].type');
      const summary = await ok(analystA, 'GET', '/routing/registrations');
      assert.deepEqual(summary.items.map((r: Json) => [r.registry, r.kind, r.count]), [['apnic', 'asn', 1], ['apnic', 'ip', 2]]);
    });

    test('attachments keep their bytes and SHA-256, refuse oversize files and are only served to the audience', async () => {
      const incident = await open(analystA);
      const content = crypto.randomBytes(4096);
      const upload = await app.request({ method: 'POST', url: `/api/v1/incidents/${incident.id}/attachments?filename=${encodeURIComponent('memory dump.bin')}`, session: analystA, headers: { 'content-type': 'application/octet-stream' }, payload: content });
      assert.equal(upload.statusCode, 201, upload.body);
      const attachment = upload.json() as Json;
      assert.equal(attachment.sha256, crypto.createHash('sha256').update(content).digest('hex'));
      assert.equal(attachment.size, 4096);
      const download = await app.request({ method: 'GET', url: `/api/v1/incidents/${incident.id}/attachments/${attachment.id}`, session: analystA });
      assert.equal(download.statusCode, 200);
      assert.deepEqual(download.rawPayload, content);
      assert.match(String(download.headers['content-disposition']), /^attachment;/);
      assert.equal(download.headers['x-content-sha256'], attachment.sha256);
      const json = await app.request({ method: 'POST', url: `/api/v1/incidents/${incident.id}/attachments?filename=report.json`, session: analystA, headers: { 'content-type': 'application/json' }, payload: '{"not": "parsed"}' });
      assert.equal(json.statusCode, 201, json.body);
      assert.equal(json.json().mediaType, 'application/json');

      const tooBig = await app.request({ method: 'POST', url: `/api/v1/incidents/${incident.id}/attachments?filename=big.bin`, session: analystA, headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.alloc(10 * 1024 * 1024 + 1) });
      assert.equal(tooBig.statusCode, 413, tooBig.body);
      const badName = await app.request({ method: 'POST', url: `/api/v1/incidents/${incident.id}/attachments?filename=${encodeURIComponent('../etc/passwd')}`, session: analystA, headers: { 'content-type': 'text/plain' }, payload: 'x' });
      assert.equal(badName.statusCode, 422);
      assert.equal(badName.json().field, 'filename');
      const hidden = await app.request({ method: 'GET', url: `/api/v1/incidents/${incident.id}/attachments/${attachment.id}`, session: analystB });
      assert.equal(hidden.statusCode, 404);
      assert.equal((await ok(analystA, 'GET', `/incidents/${incident.id}/attachments`)).items.length, 2);
    });

    test('tasks carry an assignee of their team and a due date, and show when overdue', async () => {
      const incident = await open(analystA);
      await problem(analystA, 'POST', `/incidents/${incident.id}/tasks`, { title: 'Image the server', assigneeUserId: analystB.userId }, 422, 'assigneeUserId');
      const withTask = await ok(analystA, 'POST', `/incidents/${incident.id}/tasks`, { title: 'Image the server', assigneeUserId: analystA.userId, dueAt: '2020-01-01T00:00:00Z' }, 201);
      const task = withTask.tasks[0];
      assert.equal(task.overdue, true);
      assert.equal(task.assignee.id, analystA.userId);
      const done = await ok(analystA, 'PATCH', `/incidents/${incident.id}/tasks/${task.id}`, { status: 'done' });
      assert.equal(done.tasks[0].status, 'done');
      assert.equal(done.tasks[0].overdue, false);
      assert.ok(done.tasks[0].doneAt);
      await problem(analystC, 'PATCH', `/incidents/${incident.id}/tasks/${task.id}`, { status: 'open' }, 404);
    });

    test('notices are queued for role addresses in the same transaction, and escalation fires once', async () => {
      const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
      const incident = await open(analystA, { severity: 'critical', openedAt: old, title: 'Left unanswered' });
      const queued = await app.ctx.store.db.selectFrom('notification').selectAll().where('incident_id', '=', incident.id).execute();
      assert.deepEqual(queued.map((n) => [n.channel, n.topic, n.target, n.status]), [['email', 'incident.created', 'cert@a.example', 'pending']]);
      const fresh = await open(analystA, { severity: 'low', title: 'Answered in time' });
      await ok(analystA, 'POST', `/incidents/${fresh.id}/status`, { status: 'triaged' });
      const kept = async (id: string) => (await app.ctx.store.db.selectFrom('incident').select('escalate_at').where('id', '=', id).executeTakeFirstOrThrow()).escalate_at;
      assert.ok(Date.parse((await kept(fresh.id))!) > Date.now(), 'the next escalation point lies ahead once the incident is acknowledged');
      await ok(analystA, 'POST', `/incidents/${fresh.id}/status`, { status: 'rejected', reason: 'not an incident' });
      assert.equal(await kept(fresh.id), null, 'a closed incident never escalates');
      const escalated = await escalateDue(app.ctx);
      assert.ok(escalated.includes(incident.reference));
      assert.ok(!(await escalateDue(app.ctx)).includes(incident.reference), 'escalates once');
      const notices = await app.ctx.store.db.selectFrom('notification').select(['topic', 'subject']).where('incident_id', '=', incident.id).execute();
      assert.ok(notices.some((n) => n.topic === 'incident.escalation' && n.subject.includes('SLA escalation')));
      const entries = (await ok(analystA, 'GET', `/incidents/${incident.id}/timeline`)).items.map((e: Json) => e.kind);
      assert.ok(entries.includes('escalation'));
    });

    test('statistics count by class, severity, country, team and month, for the operators across teams', async () => {
      const year = new Date().getUTCFullYear();
      await open(analystB, { classification: 'fraud', rsitType: 'phishing', severity: 'low', tlp: 'GREEN', country: 'ID' });
      const forB = await ok(analystB, 'GET', `/incidents/statistics?year=${year}`);
      const forOperators = await ok(secretariat, 'GET', `/incidents/statistics?year=${year}`);
      const all = (await app.ctx.store.db.selectFrom('incident').select('id').execute()).length;
      assert.equal(forOperators.scope, 'node');
      assert.equal(forOperators.total, all);
      assert.equal(forB.scope, 'visible');
      assert.ok(forB.total < all);
      assert.ok(forOperators.byClassification.some((c: Json) => c.key === 'fraud/phishing' && c.count >= 1));
      assert.ok(forOperators.byTeam.some((t: Json) => t.key === team.A && t.label === 'INC-A national CERT'));
      assert.deepEqual(forOperators.byMonth.map((m: Json) => m.key.slice(0, 4)).filter((y: string) => y !== String(year)), []);
      assert.equal(forOperators.byCountry.find((c: Json) => c.key === 'ID')?.count, 1);
      assert.equal(typeof forOperators.medianHoursToAcknowledge, 'number');
      await problem(secretariat, 'GET', '/incidents/statistics?from=2026-05-01T00:00:00Z&to=2026-01-01T00:00:00Z', undefined, 422, 'to');
      // The kept per-day counts (whole days) and a count of the rows (any instant) agree, after edits too.
      const edited = await open(analystA, { classification: 'fraud', rsitType: 'phishing', severity: 'low', country: 'MY' });
      await ok(analystA, 'PATCH', `/incidents/${edited.id}`, { classification: 'availability', rsitType: 'ddos', severity: 'critical', country: 'SA' });
      const tally = await ok(secretariat, 'GET', `/incidents/statistics?year=${year}`);
      const rows = await ok(secretariat, 'GET', `/incidents/statistics?from=${year}-01-01T00:00:00.001Z&to=${year + 1}-01-01T00:00:00.000Z`);
      for (const key of ['total', 'byClassification', 'bySeverity', 'byCountry', 'byTeam', 'byMonth']) assert.deepEqual(tally[key], rows[key], key);
      assert.equal(tally.total, forOperators.total + 1);
      assert.equal(tally.byCountry.find((c: Json) => c.key === 'SA')?.count, (forOperators.byCountry.find((c: Json) => c.key === 'SA')?.count ?? 0) + 1);
    });
  });
}
