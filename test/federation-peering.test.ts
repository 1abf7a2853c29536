// Two real Sanad nodes on loopback, each with its own store and Ed25519 key, peered both ways:
// signed requests between them, every way a request can be refused, the signed directory, and the
// operators' peer API.
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signRequest } from '../src/domain/federation/http-signature.ts';
import { Invalid } from '../src/domain/errors.ts';
import { callPeer } from '../src/features/federation/client.ts';
import { checkPeerLink, createPeer, fetchPeerDirectory, updatePeer, verifyDirectory } from '../src/features/federation/service.ts';
import type { Directory, Peer } from '../src/features/federation/schemas.ts';
import { authenticatePeer } from '../src/features/federation/transport.ts';
import { keyFingerprint, rawPublicKey } from '../src/features/node/keys.ts';
import { createOrganisation } from '../src/features/organisations/service.ts';
import { systemViewer } from '../src/policy/viewer.ts';
import { addSeconds, nowIso } from '../src/store/time.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type Session } from './helpers/app.ts';
import { startNode, type FederatedNode } from './helpers/federation.ts';
import { testEngines } from './helpers/store.ts';

const system = { viewer: systemViewer('test'), sourceIp: null };

type Node = FederatedNode;

/** A request to `node` signed by `signer` (path-and-query form, as the client signs), with the signature headers. */
function signed(node: Node, path: string, signer: { key: crypto.KeyObject; fingerprint: string }, options: { now?: Date } = {}) {
  const url = `${node.url}${path}`;
  return { url, headers: signRequest({ method: 'GET', url, body: '' }, { keyId: signer.fingerprint, key: signer.key, target: 'path-and-query', ...(options.now ? { now: options.now } : {}) }) };
}

async function refusals(node: Node): Promise<{ actor_label: string; details: string }[]> {
  return node.app.ctx.store.db.selectFrom('audit_log').select(['actor_label', 'details']).where('action', '=', 'federation.refuse').orderBy('seq').execute();
}

async function assertRefused(response: Response, reason: RegExp): Promise<void> {
  assert.equal(response.status, 401);
  assert.match(String(response.headers.get('content-type')), /^application\/problem\+json/);
  const problem = (await response.json()) as { detail: string };
  assert.match(problem.detail, reason);
}

for (const engine of await testEngines()) {
  describe(`federation between two nodes (${engine})`, () => {
    let a: Node;
    let b: Node;
    let bOnA: Peer; // node B as node A knows it
    let aOnB: Peer; // node A as node B knows it
    let adminA: Session;

    before(async () => {
      a = await startNode(engine, 'Node A');
      b = await startNode(engine, 'Node B');
      adminA = await a.app.login(ADMIN_EMAIL, ADMIN_PASSWORD);
      const added = await a.app.request({ method: 'POST', url: '/api/v1/peers', session: adminA, payload: { url: `${b.url}/`, publicKey: b.publicKey } });
      assert.equal(added.statusCode, 201, added.body);
      bOnA = added.json() as Peer;
      aOnB = await createPeer(b.app.ctx, system, { url: a.url, publicKey: a.publicKey, name: 'Node A' });
      // B's directory: two members homed there, an applicant and a team homed elsewhere (neither listed).
      await createOrganisation(b.app.ctx, system, { name: 'Beta national CERT', shortName: 'BETA', country: 'ID', tier: 'full' }, { homeNode: 'Node B' });
      await createOrganisation(b.app.ctx, system, { name: 'Gamma CERT', shortName: 'GAMMA', country: 'MY', tier: 'general', status: 'suspended' }, { homeNode: 'Node B' });
      await createOrganisation(b.app.ctx, system, { name: 'Applicant CERT', shortName: 'APPL', country: 'MY', tier: 'general', status: 'applicant' }, { homeNode: 'Node B' });
      await createOrganisation(b.app.ctx, system, { name: 'Elsewhere CERT', shortName: 'ELSE', country: 'MY', tier: 'general' }, { homeNode: 'Node C' });
    });
    after(async () => {
      await a.app.close();
      await b.app.close();
    });

    test('adding a peer answers its fingerprint; the URL is stored without its trailing slash and the name starts as its host', () => {
      assert.equal(bOnA.fingerprint, b.fingerprint);
      assert.equal(bOnA.url, b.url);
      assert.equal(bOnA.name, new URL(b.url).host);
      assert.equal(bOnA.status, 'active');
    });

    test("GET /api/v1/node shows this node's own fingerprint for comparison", async () => {
      const response = await b.app.request({ method: 'GET', url: '/api/v1/node' });
      assert.equal(response.statusCode, 200);
      assert.deepEqual({ publicKey: response.json().publicKey, fingerprint: response.json().fingerprint }, { publicKey: b.publicKey, fingerprint: b.fingerprint });
    });

    test('a signed hello succeeds: the peer learns its name, both sides record the contact', async () => {
      const check = await checkPeerLink(a.app.ctx, system, bOnA.id);
      assert.ok(check.ok, check.ok ? '' : check.error);
      assert.equal(check.hello.node, 'Node B');
      assert.equal(check.hello.publicKey, b.publicKey);
      assert.equal(check.hello.peer, 'Node A');
      assert.equal(check.renamed, true);
      assert.equal(check.peer.name, 'Node B');
      assert.notEqual(check.peer.lastContactAt, null);
      const onB = await b.app.ctx.store.db.selectFrom('peer').select('last_contact_at').where('id', '=', aOnB.id).executeTakeFirstOrThrow();
      assert.notEqual(onB.last_contact_at, null);
      const renamed = await a.app.ctx.store.db.selectFrom('audit_log').select('details').where('action', '=', 'peer.rename').executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(renamed.details), { from: new URL(b.url).host, to: 'Node B' });
    });

    test('the other way round too', async () => {
      const check = await checkPeerLink(b.app.ctx, system, aOnB.id);
      assert.ok(check.ok);
      assert.equal(check.hello.peer, 'Node B');
      assert.equal(check.renamed, false);
    });

    test('an unsigned request is refused (401) and audited as unknown', async () => {
      const before = (await refusals(b)).length;
      await assertRefused(await fetch(`${b.url}/federation/v1/hello`), /missing Signature-Input header/);
      const entries = await refusals(b);
      assert.equal(entries.length, before + 1);
      assert.equal(entries.at(-1)!.actor_label, 'anonymous');
      assert.deepEqual(JSON.parse(entries.at(-1)!.details), { claimedBy: 'unknown', keyId: null, method: 'GET', path: '/federation/v1/hello', reason: 'missing Signature-Input header' });
    });

    test('a request signed by an unknown key is refused and audited with the key it named', async () => {
      const stranger = crypto.generateKeyPairSync('ed25519');
      const fingerprint = keyFingerprint(rawPublicKey(stranger.publicKey));
      const request = signed(b, '/federation/v1/hello', { key: stranger.privateKey, fingerprint });
      await assertRefused(await fetch(request.url, { headers: request.headers }), /unknown keyid/);
      const details = JSON.parse((await refusals(b)).at(-1)!.details) as { claimedBy: string; keyId: string };
      assert.equal(details.claimedBy, 'unknown');
      assert.equal(details.keyId, fingerprint);
    });

    test("a request signed with a peer's fingerprint but another key does not verify", async () => {
      const impostor = crypto.generateKeyPairSync('ed25519').privateKey;
      const request = signed(b, '/federation/v1/hello', { key: impostor, fingerprint: a.fingerprint });
      await assertRefused(await fetch(request.url, { headers: request.headers }), /does not verify/);
      assert.equal((await refusals(b)).at(-1)!.actor_label, 'peer:Node A');
    });

    test('a paused peer is refused until resumed; pausing and resuming are audited', async () => {
      await updatePeer(b.app.ctx, system, aOnB.id, { status: 'paused' });
      const paused = signed(b, '/federation/v1/hello', a);
      await assertRefused(await fetch(paused.url, { headers: paused.headers }), /"Node A" is paused/);
      const details = JSON.parse((await refusals(b)).at(-1)!.details) as { claimedBy: string };
      assert.equal(details.claimedBy, 'Node A');
      await updatePeer(b.app.ctx, system, aOnB.id, { status: 'active' });
      const resumed = signed(b, '/federation/v1/hello', a);
      assert.equal((await fetch(resumed.url, { headers: resumed.headers })).status, 200);
      const actions = (await b.app.ctx.store.db.selectFrom('audit_log').select('action').where('object_id', '=', aOnB.id).where('action', 'like', 'peer.%').orderBy('seq').execute()).map((r) => r.action);
      assert.deepEqual(actions, ['peer.create', 'peer.pause', 'peer.resume']);
    });

    test('a replayed request (the same signature headers twice) is refused the second time', async () => {
      const request = signed(b, '/federation/v1/hello', a);
      assert.equal((await fetch(request.url, { headers: request.headers })).status, 200);
      await assertRefused(await fetch(request.url, { headers: request.headers }), /already used .* replay/);
    });

    test('a request sent to another path than the one signed is refused', async () => {
      const request = signed(b, '/federation/v1/hello', a);
      await assertRefused(await fetch(`${b.url}/federation/v1/directory`, { headers: request.headers }), /does not verify/);
    });

    test('a request whose body was changed after signing is refused', async () => {
      const url = `${b.url}/federation/v1/hello`;
      const headers = signRequest({ method: 'POST', url, body: '{"ask":"one"}' }, { keyId: a.fingerprint, key: a.key, target: 'path-and-query' });
      const refused = authenticatePeer(b.app.ctx, { method: 'POST', url, headers, body: Buffer.from('{"ask":"two"}'), sourceIp: '127.0.0.1' });
      await assert.rejects(refused, /Content-Digest does not match the body/);
      assert.match((await refusals(b)).at(-1)!.details, /the body was changed/);
    });

    test('a stale signature (created outside the replay window) is refused', async () => {
      const request = signed(b, '/federation/v1/hello', a, { now: new Date(Date.now() - 10 * 60_000) });
      await assertRefused(await fetch(request.url, { headers: request.headers }), /replay window|expired/);
    });

    test('nonces older than twice the replay window are forgotten', async () => {
      const old = addSeconds(nowIso(), -700);
      await b.app.ctx.store.db.insertInto('peer_nonce').values({ peer_id: aOnB.id, nonce: 'long-ago', seen_at: old }).execute();
      const request = signed(b, '/federation/v1/hello', a);
      assert.equal((await fetch(request.url, { headers: request.headers })).status, 200);
      const left = await b.app.ctx.store.db.selectFrom('peer_nonce').select('nonce').where('nonce', '=', 'long-ago').execute();
      assert.deepEqual(left, []);
    });

    test("the directory lists the node's admitted teams, each entry verifying with the origin's key", async () => {
      const fetched = await fetchPeerDirectory(a.app.ctx, system, bOnA.id);
      const names = fetched.organisations.map((o) => o.name).sort();
      assert.deepEqual(names, ['Beta national CERT', 'Gamma CERT', 'Test hub operators']);
      const gamma = fetched.organisations.find((o) => o.shortName === 'GAMMA')!;
      assert.deepEqual({ country: gamma.country, tier: gamma.tier, status: gamma.status, homeNode: gamma.homeNode }, { country: 'MY', tier: 'general', status: 'suspended', homeNode: 'Node B' });
    });

    test('a tampered directory entry, or one checked with another key, fails verification', async () => {
      const directory = (await callPeer(a.app.ctx, { url: b.url, name: 'Node B' }, 'GET', '/federation/v1/directory')) as Directory;
      verifyDirectory(directory, 'Node B', b.publicKey);
      assert.throws(() => verifyDirectory(directory, 'Node B', a.publicKey), Invalid);
      const tampered: Directory = { ...directory, items: directory.items.map((entry, i) => (i === 0 ? { ...entry, organisation: { ...entry.organisation, tier: 'observer' } } : entry)) };
      assert.throws(() => verifyDirectory(tampered, 'Node B', b.publicKey), /does not match/);
      assert.throws(() => verifyDirectory(directory, 'Node C', b.publicKey), /not by the peer "Node C"/);
    });

    test('a node that has not added us answers 401, and the link check says so and keeps the peer', async () => {
      const c = await startNode(engine, 'Node C');
      try {
        const cOnA = await createPeer(a.app.ctx, system, { url: c.url, publicKey: c.publicKey });
        const check = await checkPeerLink(a.app.ctx, system, cOnA.id);
        assert.equal(check.ok, false);
        assert.ok(!check.ok && check.notPeered);
        const kept = await a.app.request({ method: 'GET', url: `/api/v1/peers/${cOnA.id}`, session: adminA });
        assert.equal(kept.statusCode, 200);
        assert.match((kept.json() as Peer).lastError ?? '', /answered 401 .*unknown keyid/);
      } finally {
        await c.app.close();
      }
    });

    test('the API refuses a malformed key (422), a duplicate key or URL (409), and its own key (422)', async () => {
      const post = (payload: object) => a.app.request({ method: 'POST', url: '/api/v1/peers', session: adminA, payload });
      const malformed = await post({ url: 'https://sanad.elsewhere.example', publicKey: 'not a key' });
      assert.equal(malformed.statusCode, 422);
      assert.equal(malformed.json().field, 'publicKey');
      const short = await post({ url: 'https://sanad.elsewhere.example', publicKey: Buffer.alloc(16).toString('base64') });
      assert.equal(short.statusCode, 422);
      const sameKey = await post({ url: 'https://sanad.elsewhere.example', publicKey: b.publicKey });
      assert.equal(sameKey.statusCode, 409);
      assert.match(sameKey.json().detail, /already has this key/);
      const other = rawPublicKey(crypto.generateKeyPairSync('ed25519').publicKey);
      const sameUrl = await post({ url: b.url, publicKey: other });
      assert.equal(sameUrl.statusCode, 409);
      const own = await post({ url: 'https://sanad.elsewhere.example', publicKey: a.publicKey });
      assert.equal(own.statusCode, 422);
      const badUrl = await post({ url: 'ftp://sanad.elsewhere.example', publicKey: other });
      assert.equal(badUrl.statusCode, 422);
    });

    test('analysts and readers cannot manage or see peers; the secretariat sees them but cannot change them', async () => {
      const team = await a.app.addOrganisation('TEAM-P', 'MY');
      const key = rawPublicKey(crypto.generateKeyPairSync('ed25519').publicKey);
      for (const role of ['analyst', 'reader', 'org-admin'] as const) {
        const session = await a.app.addUser(team, role);
        assert.equal((await a.app.request({ method: 'GET', url: '/api/v1/peers', session })).statusCode, 403, role);
        assert.equal((await a.app.request({ method: 'POST', url: '/api/v1/peers', session, payload: { url: 'https://x.example', publicKey: key } })).statusCode, 403, role);
        assert.equal((await a.app.request({ method: 'PATCH', url: `/api/v1/peers/${bOnA.id}`, session, payload: { status: 'paused' } })).statusCode, 403, role);
        assert.equal((await a.app.request({ method: 'DELETE', url: `/api/v1/peers/${bOnA.id}`, session })).statusCode, 403, role);
      }
      const secretariat = await a.app.addUser(a.app.hubOrgId, 'secretariat');
      assert.equal((await a.app.request({ method: 'GET', url: '/api/v1/peers', session: secretariat })).statusCode, 200);
      assert.equal((await a.app.request({ method: 'PATCH', url: `/api/v1/peers/${bOnA.id}`, session: secretariat, payload: { status: 'paused' } })).statusCode, 403);
      assert.equal((await a.app.request({ method: 'GET', url: '/api/v1/peers' })).statusCode, 401);
    });

    test('an admin pauses, resumes and removes a peer through the API; each change is audited', async () => {
      const key = rawPublicKey(crypto.generateKeyPairSync('ed25519').publicKey);
      const created = await a.app.request({ method: 'POST', url: '/api/v1/peers', session: adminA, payload: { url: 'https://sanad.removed.example', publicKey: key, name: 'Removed node' } });
      assert.equal(created.statusCode, 201);
      const id = (created.json() as Peer).id;
      const paused = await a.app.request({ method: 'PATCH', url: `/api/v1/peers/${id}`, session: adminA, payload: { status: 'paused' } });
      assert.equal((paused.json() as Peer).status, 'paused');
      assert.equal((await a.app.request({ method: 'PATCH', url: `/api/v1/peers/${id}`, session: adminA, payload: { status: 'active' } })).statusCode, 200);
      assert.equal((await a.app.request({ method: 'DELETE', url: `/api/v1/peers/${id}`, session: adminA })).statusCode, 204);
      assert.equal((await a.app.request({ method: 'GET', url: `/api/v1/peers/${id}`, session: adminA })).statusCode, 404);
      const actions = (await a.app.ctx.store.db.selectFrom('audit_log').select(['action', 'actor_label']).where('object_id', '=', id).orderBy('seq').execute()).map((r) => `${r.action} by ${r.actor_label}`);
      assert.deepEqual(actions, ['peer.create', 'peer.pause', 'peer.resume', 'peer.delete'].map((action) => `${action} by ${ADMIN_EMAIL}`));
    });
  });
}
