import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as openpgp from 'openpgp';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { bodyOf, headerOf, startTestSmtp, type TestSmtp } from '../../../test/helpers/smtp.ts';
import { testEngines } from '../../../test/helpers/store.ts';
import { updateOrganisationProfile } from '../organisations/service.ts';
import { systemViewer } from '../../policy/viewer.ts';
import { deliverDue, MAX_ATTEMPTS, retryNow } from './delivery.ts';
import { signPayload, verifySignature } from './webhook-signature.ts';

type Json = Record<string, any>;
const operator = { viewer: systemViewer('test'), sourceIp: null };

/** The armored PGP message inside a PGP/MIME mail. */
function armoredPart(raw: string): string {
  const match = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(raw);
  assert.ok(match, 'the mail carries a PGP message');
  return match[0].replace(/\r\n/g, '\n');
}

interface Receiver {
  url: string;
  requests: { headers: http.IncomingHttpHeaders; body: string }[];
  /** Status codes to answer with, in turn; 200 once they run out. */
  answers: number[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const receiver: Omit<Receiver, 'url' | 'close'> = { requests: [], answers: [] };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      receiver.requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = receiver.answers.shift() ?? 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { ...receiver, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

for (const engine of await testEngines()) {
  describe(`notifications, webhooks and the public report form (${engine})`, () => {
    let app: TestApp;
    let smtp: TestSmtp;
    let receiver: Receiver;
    const team = { A: '', B: '' };
    let keyB: { privateKey: openpgp.PrivateKey; publicArmored: string };
    let analystA: Session;
    let managerA: Session;
    let analystB: Session;

    before(async () => {
      smtp = await startTestSmtp();
      receiver = await startReceiver();
      app = await startTestApp(engine, { smtpUrl: smtp.url, mailFrom: 'notices@hub.example', webhookAllowedHosts: ['127.0.0.1'] });
      team.A = await app.addOrganisation('NOTE-A', 'MY');
      team.B = await app.addOrganisation('NOTE-B', 'ID');
      const generated = await openpgp.generateKey({ userIDs: [{ name: 'NOTE-B CERT', email: 'cert@b.example' }], format: 'armored' });
      keyB = { privateKey: await openpgp.readPrivateKey({ armoredKey: generated.privateKey }), publicArmored: generated.publicKey };
      await updateOrganisationProfile(app.ctx, operator, team.A, { contacts: { roleEmail: 'cert@a.example' } });
      await updateOrganisationProfile(app.ctx, operator, team.B, { contacts: { roleEmail: 'cert@b.example' }, pgpPublicKey: keyB.publicArmored, constituency: { ipPrefixes: ['192.0.2.0/24'] } });
      analystA = await app.addUser(team.A, 'analyst');
      managerA = await app.addUser(team.A, 'org-admin');
      analystB = await app.addUser(team.B, 'analyst');
    });
    after(async () => {
      await app.close();
      await smtp.close();
      await receiver.close();
    });

    const call = (session: Session | undefined, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) =>
      app.request({ method, url: `/api/v1${url}`, session, ...(payload ? { payload } : {}) });
    const ok = async (session: Session | undefined, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object, status = 200) => {
      const response = await call(session, method, url, payload);
      assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
      return response.json() as Json;
    };
    const nodeKey = async () => openpgp.readKey({ armoredKey: (await call(analystA, 'GET', '/node/pgp-key')).body });
    const clearQueue = async () => {
      await app.ctx.store.db.updateTable('notification').set({ status: 'sent' }).where('status', '=', 'pending').execute();
      smtp.received.length = 0;
    };

    test('a coordination request reaches the asked team encrypted to its key and signed by the node; others get a signed notice', async () => {
      await clearQueue();
      const incident = await ok(analystA, 'POST', '/incidents', { title: 'Botnet C2 in B', classification: 'malicious-code', rsitType: 'c2-server', severity: 'high', tlp: 'AMBER' }, 201);
      await ok(analystA, 'POST', `/incidents/${incident.id}/coordination`, { orgIds: [team.B], action: 'act', message: 'Please sinkhole the C2' });
      const report = await deliverDue(app.ctx);
      assert.deepEqual(report, { sent: 2, retrying: 0, failed: 0 });
      const mails = await smtp.waitFor(2);
      const toB = mails.find((m) => m.to.includes('cert@b.example'))!;
      const toA = mails.find((m) => m.to.includes('cert@a.example'))!;

      assert.match(headerOf(toB.raw, 'Content-Type') ?? '', /multipart\/encrypted; protocol="application\/pgp-encrypted"/);
      assert.ok(!toB.raw.includes('Botnet C2 in B'), 'nothing of the incident travels in the clear');
      assert.ok(headerOf(toB.raw, 'Subject')?.startsWith(`[${incident.reference}]`));
      const decrypted = await openpgp.decrypt({
        message: await openpgp.readMessage({ armoredMessage: armoredPart(toB.raw) }),
        decryptionKeys: keyB.privateKey,
        verificationKeys: await nodeKey(),
        expectSigned: true,
      });
      const inner = String(decrypted.data);
      assert.match(inner, /Subject: \[.*\] .* asks your team to act: Botnet C2 in B/);
      assert.ok(bodyOf(inner).includes('Please sinkhole the C2'));

      const signed = await openpgp.readCleartextMessage({ cleartextMessage: bodyOf(toA.raw).replace(/\r\n/g, '\n') });
      const verified = await openpgp.verify({ message: signed, verificationKeys: await nodeKey(), expectSigned: true });
      assert.match(String(verified.data), /A new incident was opened for your team/);

      const deliveries = (await ok(analystA, 'GET', `/incidents/${incident.id}/notifications`)).items as Json[];
      assert.deepEqual(deliveries.map((d) => [d.target, d.status, d.encrypted]).sort(), [['cert@a.example', 'sent', false], ['cert@b.example', 'sent', true]]);
      const seenByB = (await ok(analystB, 'GET', `/incidents/${incident.id}/notifications`)).items as Json[];
      assert.deepEqual(seenByB.map((d) => d.target), ['cert@b.example'], "a team sees deliveries to itself, not to the owner's other recipients");
      const timeline = (await ok(analystA, 'GET', `/incidents/${incident.id}/timeline`)).items as Json[];
      assert.equal(timeline.filter((e) => e.kind === 'email_sent').length, 2);
    });

    test('with the mail server down the incident is saved, the notice waits with its error, and is sent once the server is back', async () => {
      await clearQueue();
      const realUrl = app.ctx.config.smtpUrl;
      app.ctx.config.smtpUrl = 'smtp://127.0.0.1:1';
      try {
        const incident = await ok(analystA, 'POST', '/incidents', { title: 'While mail is down', classification: 'other', severity: 'low', tlp: 'GREEN' }, 201);
        assert.deepEqual(await deliverDue(app.ctx), { sent: 0, retrying: 1, failed: 0 });
        const waiting = (await ok(analystA, 'GET', `/incidents/${incident.id}/notifications`)).items[0] as Json;
        assert.equal(waiting.status, 'pending');
        assert.equal(waiting.attempts, 1);
        assert.match(waiting.lastError, /ECONNREFUSED|connect/i);
        assert.ok(Date.parse(waiting.nextAttemptAt) > Date.now(), 'the retry waits for its back-off');
        assert.deepEqual(await deliverDue(app.ctx), { sent: 0, retrying: 0, failed: 0 }, 'not before its time');

        app.ctx.config.smtpUrl = realUrl;
        assert.equal(await retryNow(app.ctx, [waiting.id]), 1);
        assert.deepEqual(await deliverDue(app.ctx), { sent: 1, retrying: 0, failed: 0 });
        const sent = (await ok(analystA, 'GET', `/incidents/${incident.id}/notifications`)).items[0] as Json;
        assert.equal(sent.status, 'sent');
        assert.equal(sent.attempts, 2);

        app.ctx.config.smtpUrl = 'smtp://127.0.0.1:1';
        const doomed = await ok(analystA, 'POST', '/incidents', { title: 'Never delivered', classification: 'other', severity: 'low', tlp: 'GREEN' }, 201);
        let later = Date.now();
        for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
          later += 2 * 3600_000;
          await deliverDue(app.ctx, { now: new Date(later) });
        }
        const failed = (await ok(analystA, 'GET', `/incidents/${doomed.id}/notifications`)).items[0] as Json;
        assert.equal(failed.status, 'failed');
        assert.equal(failed.attempts, MAX_ATTEMPTS);
      } finally {
        app.ctx.config.smtpUrl = realUrl;
      }
    });

    test('outgoing webhooks are signed, retried after a refusal, logged, and only reach allowed addresses', async () => {
      await clearQueue();
      const refused = await call(managerA, 'POST', '/webhooks', { direction: 'out', url: 'http://10.0.0.1/hook' });
      assert.equal(refused.statusCode, 422);
      assert.equal(refused.json().field, 'url');
      assert.equal((await call(managerA, 'POST', '/webhooks', { direction: 'out', url: 'https://siem.a.example/hook', topics: ['no.such.topic'] })).json().field, 'topics[0]');
      assert.equal((await call(analystA, 'POST', '/webhooks', { direction: 'out', url: receiver.url })).statusCode, 403);
      const hook = await ok(managerA, 'POST', '/webhooks', { direction: 'out', url: receiver.url, topics: ['coordination.answered'] }, 201);
      const stored = await app.ctx.store.db.selectFrom('webhook').select('secret').where('id', '=', hook.id).executeTakeFirstOrThrow();
      assert.ok(!stored.secret.includes(hook.secret), 'the secret is stored sealed');

      const incident = await ok(analystA, 'POST', '/incidents', { title: 'Hooked', classification: 'other', severity: 'low', tlp: 'GREEN' }, 201);
      const asked = await ok(analystA, 'POST', `/incidents/${incident.id}/coordination`, { orgIds: [team.B] });
      await ok(analystB, 'POST', `/incidents/${incident.id}/coordination/${asked.coordination[0].id}`, { status: 'accepted' });
      receiver.answers.push(500);
      const first = await deliverDue(app.ctx);
      assert.equal(first.retrying, 1);
      await retryNow(app.ctx);
      await deliverDue(app.ctx);
      assert.equal(receiver.requests.length, 2);
      const delivery = receiver.requests[1] as { headers: http.IncomingHttpHeaders; body: string };
      verifySignature(hook.secret, { timestamp: String(delivery.headers['x-sanad-timestamp']), signature: String(delivery.headers['x-sanad-signature']) }, delivery.body);
      assert.throws(() => verifySignature('another secret', { timestamp: String(delivery.headers['x-sanad-timestamp']), signature: String(delivery.headers['x-sanad-signature']) }, delivery.body));
      const payload = JSON.parse(delivery.body) as Json;
      assert.equal(payload.topic, 'coordination.answered');
      assert.equal(payload.incidentId, incident.id);
      const [logged] = (await ok(managerA, 'GET', `/webhooks/${hook.id}/deliveries`)).items as Json[];
      assert.equal(logged?.status, 'sent');
      assert.equal(logged?.attempts, 2);
      assert.equal((await call(analystB, 'GET', `/webhooks/${hook.id}/deliveries`)).statusCode, 404);
    });

    test('incoming webhooks open incidents only with a valid, fresh signature', async () => {
      const hook = await ok(managerA, 'POST', '/webhooks', { direction: 'in' }, 201);
      const body = JSON.stringify({ title: 'SIEM: beaconing to 192.0.2.77', classification: 'malicious-code', rsitType: 'infected-system', severity: 'high', tlp: 'AMBER', observables: [{ value: '192.0.2.77' }] });
      const send = (payload: string, timestamp: number, signature: string) =>
        app.request({ method: 'POST', url: `/api/v1/inbound/${hook.id}`, headers: { 'content-type': 'application/json', 'x-sanad-timestamp': String(timestamp), 'x-sanad-signature': signature }, payload });
      const count = async () => (await app.ctx.store.db.selectFrom('incident').select('id').execute()).length;
      const before = await count();
      const now = Math.floor(Date.now() / 1000);
      const forged = await send(body, now, signPayload('guessed secret', now, body));
      assert.equal(forged.statusCode, 401);
      assert.match(String(forged.headers['content-type']), /problem\+json/);
      assert.equal((await send(body.replace('high', 'low'), now, signPayload(hook.secret, now, body))).statusCode, 401, 'a signature covers the exact body');
      assert.equal((await send(body, now - 3600, signPayload(hook.secret, now - 3600, body))).statusCode, 401, 'stale signatures are refused');
      assert.equal(await count(), before);
      const invalid = JSON.stringify({ title: 'x', classification: 'nope', severity: 'low', tlp: 'GREEN' });
      const bad = await send(invalid, now, signPayload(hook.secret, now, invalid));
      assert.equal(bad.statusCode, 422);
      assert.equal(bad.json().field, 'classification');
      const created = await send(body, now, signPayload(hook.secret, now, body));
      assert.equal(created.statusCode, 201, created.body);
      const incident = await ok(analystA, 'GET', `/incidents/${created.json().id}`);
      assert.equal(incident.owner.orgId, team.A);
      assert.equal(incident.observableCount, 1);
    });

    test('preferences: a team can silence a topic at its role address; a user can ask for a pointer mail', async () => {
      await clearQueue();
      assert.equal((await call(analystA, 'PUT', '/notifications/preferences', { scope: 'team', topic: 'incident.created', enabled: false })).statusCode, 403);
      const teamPrefs = await ok(managerA, 'PUT', '/notifications/preferences', { scope: 'team', topic: 'incident.created', enabled: false });
      assert.equal(teamPrefs.items.find((p: Json) => p.topic === 'incident.created').enabled, false);
      const mine = await ok(analystA, 'PUT', '/notifications/preferences', { scope: 'user', topic: 'incident.created', enabled: true });
      assert.equal(mine.items.find((p: Json) => p.topic === 'incident.created').enabled, true);
      assert.equal(mine.items.find((p: Json) => p.topic === 'incident.status').enabled, false, 'users hear nothing they did not ask for');
      const incident = await ok(analystA, 'POST', '/incidents', { title: 'Secret details here', classification: 'other', severity: 'low', tlp: 'RED' }, 201);
      const queued = await app.ctx.store.db.selectFrom('notification').selectAll().where('incident_id', '=', incident.id).execute();
      assert.deepEqual(queued.map((n) => n.target), [(await app.ctx.store.db.selectFrom('app_user').select('email').where('id', '=', analystA.userId).executeTakeFirstOrThrow()).email]);
      assert.ok(!queued[0]!.body.includes('TLP'), 'a personal mailbox gets a pointer, not the details');
      await ok(managerA, 'PUT', '/notifications/preferences', { scope: 'team', topic: 'incident.created', enabled: true });
      await ok(analystA, 'PUT', '/notifications/preferences', { scope: 'user', topic: 'incident.created', enabled: false });
    });

    test('end to end: an outside report about an address in another member\'s constituency reaches that member encrypted; it accepts, resolves its part, and the statistics count it', async () => {
      await clearQueue();
      const year = new Date().getUTCFullYear();
      const before = await ok(analystB, 'GET', `/incidents/statistics?year=${year}`);
      const bad = await call(undefined, 'POST', '/reports', { name: 'R', email: 'not-an-address', title: 'Phishing' });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().field, 'email');
      assert.equal((await call(undefined, 'POST', '/reports', { name: 'R', email: 'r@example.org', title: 'Phishing', observables: [{ type: 'ip-dst', value: '999.1.1.1' }] })).json().field, 'observables[0].value');

      const receipt = await ok(undefined, 'POST', '/reports', {
        name: 'A citizen',
        email: 'citizen@mail.example.org',
        title: 'Phishing site on 192.0.2.44',
        description: 'A page imitating my bank at http://192.0.2.44/login',
        classification: 'fraud',
        rsitType: 'phishing',
        observables: [{ value: 'hxxp://192.0.2[.]44/login' }],
      }, 201);
      assert.match(receipt.reference, /^MY-\d{4}-\d{5}$/);
      assert.deepEqual(receipt.routedTo, ['NOTE-B national CERT']);
      const status = await ok(undefined, 'GET', `/reports/status?token=${receipt.trackingToken}`);
      assert.deepEqual(Object.keys(status).sort(), ['receivedAt', 'reference', 'status', 'updatedAt']);
      assert.equal(status.status, 'new');
      assert.equal((await call(undefined, 'GET', `/reports/status?token=${'x'.repeat(32)}`)).statusCode, 404);

      await deliverDue(app.ctx);
      const mails = await smtp.waitFor(2);
      const toB = mails.find((m) => m.to.includes('cert@b.example'));
      assert.ok(toB, 'the member responsible for the constituency is told');
      const decrypted = await openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage: armoredPart(toB.raw) }), decryptionKeys: keyB.privateKey, verificationKeys: await nodeKey(), expectSigned: true });
      assert.ok(bodyOf(String(decrypted.data)).includes(receipt.reference));
      assert.ok(mails.some((m) => m.to.includes('citizen@mail.example.org')), 'the reporter is acknowledged');

      const listed = (await ok(analystB, 'GET', `/incidents?q=${encodeURIComponent(receipt.reference)}`)).items as Json[];
      assert.equal(listed.length, 1);
      const id = listed[0]!.id;
      const incident = await ok(analystB, 'GET', `/incidents/${id}`);
      assert.equal(incident.reporter.kind, 'public');
      assert.equal(incident.owner.orgId, app.hubOrgId, "the node's operators own and triage public reports");
      const part = incident.coordination.find((c: Json) => c.orgId === team.B);
      assert.equal(part.action, 'act');
      await ok(analystB, 'POST', `/incidents/${id}/coordination/${part.id}`, { status: 'accepted' });
      await ok(analystB, 'POST', `/incidents/${id}/comments`, { body: 'Hosting provider took the page down.' }, 201);
      const completed = await ok(analystB, 'POST', `/incidents/${id}/coordination/${part.id}`, { status: 'completed', note: 'taken down' });
      assert.equal(completed.coordination.find((c: Json) => c.orgId === team.B).status, 'completed');

      const hubAdmin = await app.login(ADMIN_EMAIL, ADMIN_PASSWORD);
      await ok(hubAdmin, 'POST', `/incidents/${id}/status`, { status: 'triaged' });
      await ok(hubAdmin, 'POST', `/incidents/${id}/status`, { status: 'in_progress' });
      const resolved = await ok(hubAdmin, 'POST', `/incidents/${id}/status`, { status: 'resolved' });
      assert.equal(resolved.sla.resolve.state, 'met');
      assert.equal((await ok(undefined, 'GET', `/reports/status?token=${receipt.trackingToken}`)).status, 'resolved');

      const after = await ok(analystB, 'GET', `/incidents/statistics?year=${year}`);
      assert.equal(after.total, before.total + 1);
      const phishing = (s: Json) => s.byClassification.find((c: Json) => c.key === 'fraud/phishing')?.count ?? 0;
      assert.equal(phishing(after), phishing(before) + 1);
      assert.equal(typeof after.medianHoursToResolve, 'number');
    });
  });
}
