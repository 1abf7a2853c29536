// Every route × every role × own/other organisation, with the exact status each must get.
// Actors all belong to team A; "other" objects belong to team B.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { Role } from '../src/domain/roles.ts';
import { createApiKey } from '../src/features/api-keys/service.ts';
import { createFeed } from '../src/features/exchange/feeds/service.ts';
import { createPeer } from '../src/features/federation/service.ts';
import { createUser } from '../src/features/users/service.ts';
import { loadWarninglist } from '../src/features/warninglists/service.ts';
import { systemViewer } from '../src/policy/viewer.ts';
import { startTestApp, USER_PASSWORD, type Session, type TestApp } from './helpers/app.ts';
import { testEngines } from './helpers/store.ts';

type Who = Role | 'anonymous';
const WHO: Who[] = ['admin', 'secretariat', 'org-admin', 'analyst', 'reader', 'anonymous'];
type Expected = Record<Who, number>;

function expect(admin: number, secretariat: number, orgAdmin: number, analyst: number, reader: number, anonymous: number): Expected {
  return { admin, secretariat, 'org-admin': orgAdmin, analyst, reader, anonymous };
}

interface World {
  app: TestApp;
  teamA: string;
  teamB: string;
  sessions: Map<Who, Session | undefined>;
  /** Analysts of team A and team B (not among the actors) who create the events the cells act on. */
  writerA: Session;
  writerB: Session;
}

const system = { viewer: systemViewer('matrix'), sourceIp: null };
const unique = () => crypto.randomBytes(4).toString('hex');

async function newUser(world: World, orgId: string, role: Role = 'analyst'): Promise<string> {
  const user = await createUser(world.app.ctx, system, { orgId, email: `target.${unique()}@example.org`, name: 'Target', role, password: USER_PASSWORD });
  return user.id;
}

async function newKey(world: World, orgId: string): Promise<string> {
  const userId = await newUser(world, orgId);
  return (await createApiKey(world.app.ctx, system, userId, { name: 'target' })).apiKey.id;
}

interface Row {
  route: string;
  expected: Expected;
  /** Sets up what the request needs (fresh per cell, so cells never depend on each other) and sends it. */
  send(world: World, session: Session | undefined, who: Who): Promise<LightMyRequestResponse>;
}

/** A GREEN community event with one indicator, created by `writer` for their team; its id and the indicator's. */
async function newEvent(world: World, writer: Session, published: boolean): Promise<{ id: string; indicatorId: string }> {
  const tag = unique();
  const created = await world.app.request({
    method: 'POST',
    url: '/api/v1/events',
    session: writer,
    payload: { info: `Matrix event ${tag}`, tlp: 'GREEN', distribution: 'community', published, indicators: [{ type: 'domain', value: `m-${tag}.matrix-intel.net` }] },
  });
  if (created.statusCode !== 201) throw new Error(`fixture event: ${created.statusCode} ${created.body}`);
  const id = (created.json() as { id: string }).id;
  const listed = await world.app.request({ method: 'GET', url: `/api/v1/events/${id}/indicators`, session: writer });
  const [indicator] = (listed.json() as { items: { id: string }[] }).items;
  if (!indicator) throw new Error(`fixture event ${id} lists no indicator: ${listed.statusCode} ${listed.body}`);
  return { id, indicatorId: indicator.id };
}

/** A valid MISP-format warninglist with a name of its own. */
const warninglist = () => ({ name: `Matrix list ${unique()}`, version: 1, description: 'matrix', type: 'cidr', list: ['192.0.2.0/24'], matching_attributes: ['ip-dst'] });

async function newWarninglist(world: World): Promise<string> {
  return (await loadWarninglist(world.app.ctx, system, warninglist())).id!;
}

/** A feed address the matrix node allows; nothing listens there, so a pull fails at once (and is recorded). */
function matrixFeedUrl(world: World): string {
  if (!world.app.ctx.config.feedAllowedHosts.includes('127.0.0.1')) world.app.ctx.config.feedAllowedHosts.push('127.0.0.1');
  return `http://127.0.0.1:9/matrix-${unique()}.txt`;
}

/** A disabled free-text feed of `orgId`, made by the operator. */
async function newFeed(world: World, orgId: string): Promise<string> {
  return (await createFeed(world.app.ctx, system, { kind: 'freetext', url: matrixFeedUrl(world), orgId, enabled: false })).id;
}

/** A fresh Ed25519 public key (base64 raw) and an address of its own, as a peer node would publish them. */
function peerIdentity(): { url: string; publicKey: string } {
  const publicKey = crypto.generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!;
  return { url: `https://sanad-${unique()}.matrix-peer.example`, publicKey: Buffer.from(publicKey, 'base64url').toString('base64') };
}

/** A peer added by the operator. */
async function newPeer(world: World): Promise<string> {
  return (await createPeer(world.app.ctx, system, peerIdentity())).id;
}

/** An incident of `writer`'s team; with `askTeam`, that team is asked to assist. */
async function newIncident(world: World, writer: Session, askTeam?: string): Promise<{ id: string; requestId?: string }> {
  const created = await world.app.request({ method: 'POST', url: '/api/v1/incidents', session: writer, payload: { title: `Matrix incident ${unique()}`, classification: 'intrusions', severity: 'medium', tlp: 'AMBER' } });
  if (created.statusCode !== 201) throw new Error(`fixture incident: ${created.statusCode} ${created.body}`);
  const id = (created.json() as { id: string }).id;
  if (!askTeam) return { id };
  const asked = await world.app.request({ method: 'POST', url: `/api/v1/incidents/${id}/coordination`, session: writer, payload: { orgIds: [askTeam] } });
  if (asked.statusCode !== 200) throw new Error(`fixture coordination: ${asked.statusCode} ${asked.body}`);
  return { id, requestId: (asked.json() as { coordination: { id: string }[] }).coordination[0]!.id };
}

/** A GREEN community advisory (CSAF base profile) of `writer`'s team, published when asked. */
async function newAdvisory(world: World, writer: Session, published: boolean): Promise<string> {
  const created = await world.app.request({
    method: 'POST',
    url: '/api/v1/advisories',
    session: writer,
    payload: { title: `Matrix advisory ${unique()}`, category: 'csaf_base', tlp: 'GREEN', distribution: 'community', notes: [{ category: 'summary', text: 'matrix' }] },
  });
  if (created.statusCode !== 201) throw new Error(`fixture advisory: ${created.statusCode} ${created.body}`);
  const id = (created.json() as { id: string }).id;
  if (published) {
    const publish = await world.app.request({ method: 'POST', url: `/api/v1/advisories/${id}/publish`, session: writer });
    if (publish.statusCode !== 200) throw new Error(`fixture publish: ${publish.statusCode} ${publish.body}`);
  }
  return id;
}

const get = (url: string) => (world: World, session: Session | undefined) => world.app.request({ method: 'GET', url, session });

const ROWS: Row[] = [
  { route: 'GET /api/v1/node', expected: expect(200, 200, 200, 200, 200, 200), send: get('/api/v1/node') },
  { route: 'GET /api/v1/auth/session', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/auth/session') },
  { route: 'GET /api/v1/me', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/me') },
  { route: 'GET /api/v1/organisations', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/organisations') },
  {
    route: 'GET /api/v1/organisations/:own',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: (w, s) => w.app.request({ method: 'GET', url: `/api/v1/organisations/${w.teamA}`, session: s }),
  },
  {
    route: 'GET /api/v1/organisations/:other',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: (w, s) => w.app.request({ method: 'GET', url: `/api/v1/organisations/${w.teamB}`, session: s }),
  },
  {
    route: 'POST /api/v1/organisations',
    expected: expect(201, 201, 403, 403, 403, 401),
    send: (w, s) => {
      const name = unique();
      return w.app.request({ method: 'POST', url: '/api/v1/organisations', session: s, payload: { name: `CERT ${name}`, shortName: name, country: 'ID', tier: 'general' } });
    },
  },
  {
    route: 'PATCH /api/v1/organisations/:own (profile)',
    expected: expect(200, 200, 200, 403, 403, 401),
    send: (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/organisations/${w.teamA}`, session: s, payload: { profile: `updated ${unique()}` } }),
  },
  {
    route: 'PATCH /api/v1/organisations/:other (profile)',
    expected: expect(200, 200, 403, 403, 403, 401),
    send: (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/organisations/${w.teamB}`, session: s, payload: { profile: `updated ${unique()}` } }),
  },
  {
    route: 'PATCH /api/v1/organisations/:own (tier)',
    expected: expect(200, 200, 403, 403, 403, 401),
    send: async (w, s) => {
      const current = (await w.app.request({ method: 'GET', url: `/api/v1/organisations/${w.teamA}`, session: w.sessions.get('admin') })).json() as { tier: string };
      return w.app.request({ method: 'PATCH', url: `/api/v1/organisations/${w.teamA}`, session: s, payload: { tier: current.tier === 'full' ? 'general' : 'full' } });
    },
  },
  { route: 'GET /api/v1/users', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/users') },
  {
    route: 'GET /api/v1/users/:own-team',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/users/${await newUser(w, w.teamA)}`, session: s }),
  },
  {
    route: 'GET /api/v1/users/:other-team',
    expected: expect(200, 200, 404, 404, 404, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/users/${await newUser(w, w.teamB)}`, session: s }),
  },
  {
    route: 'POST /api/v1/users (analyst, own team)',
    expected: expect(201, 201, 201, 403, 403, 401),
    send: (w, s) =>
      w.app.request({ method: 'POST', url: '/api/v1/users', session: s, payload: { orgId: w.teamA, email: `new.${unique()}@a.example`, name: 'New', role: 'analyst', password: USER_PASSWORD } }),
  },
  {
    route: 'POST /api/v1/users (analyst, other team)',
    expected: expect(201, 403, 403, 403, 403, 401),
    send: (w, s) =>
      w.app.request({ method: 'POST', url: '/api/v1/users', session: s, payload: { orgId: w.teamB, email: `new.${unique()}@b.example`, name: 'New', role: 'analyst', password: USER_PASSWORD } }),
  },
  {
    route: 'POST /api/v1/users (admin, own team)',
    expected: expect(201, 403, 403, 403, 403, 401),
    send: (w, s) =>
      w.app.request({ method: 'POST', url: '/api/v1/users', session: s, payload: { orgId: w.teamA, email: `new.${unique()}@a.example`, name: 'New', role: 'admin', password: USER_PASSWORD } }),
  },
  {
    route: 'PATCH /api/v1/users/:own-team (role)',
    expected: expect(200, 200, 200, 403, 403, 401),
    send: async (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/users/${await newUser(w, w.teamA)}`, session: s, payload: { role: 'reader' } }),
  },
  {
    route: 'PATCH /api/v1/users/:own-team (disable)',
    expected: expect(200, 200, 200, 403, 403, 401),
    send: async (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/users/${await newUser(w, w.teamA)}`, session: s, payload: { disabled: true } }),
  },
  {
    route: 'PATCH /api/v1/users/:other-team (disable)',
    expected: expect(200, 403, 404, 404, 404, 401),
    send: async (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/users/${await newUser(w, w.teamB)}`, session: s, payload: { disabled: true } }),
  },
  {
    route: 'PATCH /api/v1/users/:self (role)',
    expected: expect(403, 403, 403, 403, 403, 401),
    // A real change for each actor: nobody may alter their own role (no self-promotion, no lock-out).
    send: async (w, s, who) =>
      w.app.request({ method: 'PATCH', url: `/api/v1/users/${s?.userId ?? crypto.randomUUID()}`, session: s, payload: { role: who === 'reader' ? 'analyst' : 'reader' } }),
  },
  {
    route: 'PATCH /api/v1/users/:self (name)',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: async (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/users/${s?.userId ?? crypto.randomUUID()}`, session: s, payload: { name: `Renamed ${unique()}` } }),
  },
  { route: 'GET /api/v1/audit', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/audit') },
  { route: 'GET /api/v1/audit/verify', expected: expect(200, 200, 403, 403, 403, 401), send: get('/api/v1/audit/verify') },
  { route: 'GET /api/v1/api-keys', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/api-keys') },
  {
    route: 'POST /api/v1/api-keys',
    expected: expect(201, 201, 201, 201, 201, 401),
    send: (w, s) => w.app.request({ method: 'POST', url: '/api/v1/api-keys', session: s, payload: { name: 'mine' } }),
  },
  {
    route: 'DELETE /api/v1/api-keys/:own-team',
    expected: expect(204, 204, 204, 404, 404, 401),
    send: async (w, s) => w.app.request({ method: 'DELETE', url: `/api/v1/api-keys/${await newKey(w, w.teamA)}`, session: s }),
  },
  {
    route: 'DELETE /api/v1/api-keys/:other-team',
    expected: expect(204, 404, 404, 404, 404, 401),
    send: async (w, s) => w.app.request({ method: 'DELETE', url: `/api/v1/api-keys/${await newKey(w, w.teamB)}`, session: s }),
  },
  // Shared intelligence: every account reads what its handling lets reach its team (there is no god mode
  // over other teams' intelligence); analysts and above write, as their own team only.
  { route: 'GET /api/v1/events', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/events') },
  {
    route: 'POST /api/v1/events',
    expected: expect(201, 201, 201, 201, 403, 401),
    send: (w, s) => w.app.request({ method: 'POST', url: '/api/v1/events', session: s, payload: { info: `New event ${unique()}`, tlp: 'GREEN', distribution: 'community' } }),
  },
  {
    route: 'GET /api/v1/events/:other-team (published, GREEN, community)',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/events/${(await newEvent(w, w.writerB, true)).id}`, session: s }),
  },
  {
    route: 'GET /api/v1/events/:other-team (unpublished)',
    expected: expect(404, 404, 404, 404, 404, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/events/${(await newEvent(w, w.writerB, false)).id}`, session: s }),
  },
  {
    route: 'PATCH /api/v1/events/:own-team',
    expected: expect(200, 200, 200, 200, 403, 401),
    send: async (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/events/${(await newEvent(w, w.writerA, false)).id}`, session: s, payload: { analysis: 'ongoing' } }),
  },
  {
    route: 'PATCH /api/v1/events/:other-team (published)',
    expected: expect(403, 403, 403, 403, 403, 401),
    send: async (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/events/${(await newEvent(w, w.writerB, true)).id}`, session: s, payload: { analysis: 'ongoing' } }),
  },
  {
    route: 'POST /api/v1/events/:own-team/publish',
    expected: expect(200, 200, 200, 200, 403, 401),
    send: async (w, s) => w.app.request({ method: 'POST', url: `/api/v1/events/${(await newEvent(w, w.writerA, false)).id}/publish`, session: s }),
  },
  {
    route: 'DELETE /api/v1/events/:own-team',
    expected: expect(204, 204, 204, 204, 403, 401),
    send: async (w, s) => w.app.request({ method: 'DELETE', url: `/api/v1/events/${(await newEvent(w, w.writerA, false)).id}`, session: s }),
  },
  {
    route: 'POST /api/v1/indicators/:other-team (published)/sightings',
    expected: expect(201, 201, 201, 201, 403, 401),
    send: async (w, s) =>
      w.app.request({ method: 'POST', url: `/api/v1/indicators/${(await newEvent(w, w.writerB, true)).indicatorId}/sightings`, session: s, payload: { kind: 'sighting' } }),
  },
  {
    route: 'POST /api/v1/lookup',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: (w, s) => w.app.request({ method: 'POST', url: '/api/v1/lookup', session: s, payload: { values: ['a.example.org'] } }),
  },
  { route: 'GET /api/v1/indicators/export?format=text', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/indicators/export?format=text') },
  // MISP JSON and the MISP feed: reads through the same handling rules, imports as the caller's own team.
  {
    route: 'POST /api/v1/misp/import',
    expected: expect(200, 200, 200, 200, 403, 401),
    send: (w, s) =>
      w.app.request({
        method: 'POST',
        url: '/api/v1/misp/import',
        session: s,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ response: [{ Event: { uuid: crypto.randomUUID(), info: `Matrix MISP ${unique()}`, timestamp: '1714640000', Tag: [{ name: 'tlp:green' }], Attribute: [{ type: 'domain', value: `m-${unique()}.matrix-misp.net` }] } }] }),
      }),
  },
  {
    route: 'GET /api/v1/events/:other-team (published)/misp',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/events/${(await newEvent(w, w.writerB, true)).id}/misp`, session: s }),
  },
  {
    route: 'GET /api/v1/events/:other-team (unpublished)/misp',
    expected: expect(404, 404, 404, 404, 404, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/events/${(await newEvent(w, w.writerB, false)).id}/misp`, session: s }),
  },
  // STIX in and out: the same handling rules; imports as the caller's own team.
  {
    route: 'POST /api/v1/stix/import',
    expected: expect(201, 201, 201, 201, 403, 401),
    send: (w, s) =>
      w.app.request({
        method: 'POST',
        url: '/api/v1/stix/import',
        session: s,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ type: 'bundle', id: `bundle--${crypto.randomUUID()}`, objects: [{ type: 'domain-name', spec_version: '2.1', id: `domain-name--${crypto.randomUUID()}`, value: `s-${unique()}.matrix-stix.net` }] }),
      }),
  },
  {
    route: 'GET /api/v1/events/:other-team (published)/stix',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/events/${(await newEvent(w, w.writerB, true)).id}/stix`, session: s }),
  },
  {
    route: 'GET /api/v1/events/:other-team (unpublished)/stix',
    expected: expect(404, 404, 404, 404, 404, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/events/${(await newEvent(w, w.writerB, false)).id}/stix`, session: s }),
  },
  { route: 'GET /api/v1/misp/events', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/misp/events?limit=5') },
  { route: 'GET /api/v1/misp/feed/manifest.json', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/misp/feed/manifest.json') },
  { route: 'GET /api/v1/misp/feed/hashes.csv', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/misp/feed/hashes.csv') },
  {
    route: 'GET /api/v1/misp/feed/:other-team (published).json',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/misp/feed/${(await newEvent(w, w.writerB, true)).id}.json`, session: s }),
  },
  {
    route: 'GET /api/v1/misp/feed/:own-team (unpublished).json',
    expected: expect(404, 404, 404, 404, 404, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/misp/feed/${(await newEvent(w, w.writerA, false)).id}.json`, session: s }),
  },
  // Feeds: a team's members see its feeds, its org-admin manages them, its analysts pull them; the
  // node's operators do all of it for any team. Another team's feed is not there for anyone else.
  { route: 'GET /api/v1/feeds', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/feeds') },
  {
    route: 'POST /api/v1/feeds (own team)',
    expected: expect(201, 201, 201, 403, 403, 401),
    send: (w, s) => w.app.request({ method: 'POST', url: '/api/v1/feeds', session: s, payload: { kind: 'freetext', url: matrixFeedUrl(w), enabled: false } }),
  },
  {
    route: 'POST /api/v1/feeds (other team)',
    expected: expect(201, 201, 403, 403, 403, 401),
    send: (w, s) => w.app.request({ method: 'POST', url: '/api/v1/feeds', session: s, payload: { kind: 'freetext', url: matrixFeedUrl(w), orgId: w.teamB, enabled: false } }),
  },
  {
    route: 'GET /api/v1/feeds/:own-team',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/feeds/${await newFeed(w, w.teamA)}`, session: s }),
  },
  {
    route: 'GET /api/v1/feeds/:other-team',
    expected: expect(200, 200, 404, 404, 404, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/feeds/${await newFeed(w, w.teamB)}`, session: s }),
  },
  {
    route: 'GET /api/v1/feeds/:own-team/state',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/feeds/${await newFeed(w, w.teamA)}/state`, session: s }),
  },
  {
    route: 'PATCH /api/v1/feeds/:own-team',
    expected: expect(200, 200, 200, 403, 403, 401),
    send: async (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/feeds/${await newFeed(w, w.teamA)}`, session: s, payload: { intervalMinutes: 30 } }),
  },
  {
    route: 'PATCH /api/v1/feeds/:other-team',
    expected: expect(200, 200, 404, 404, 404, 401),
    send: async (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/feeds/${await newFeed(w, w.teamB)}`, session: s, payload: { intervalMinutes: 30 } }),
  },
  {
    route: 'DELETE /api/v1/feeds/:own-team',
    expected: expect(204, 204, 204, 403, 403, 401),
    send: async (w, s) => w.app.request({ method: 'DELETE', url: `/api/v1/feeds/${await newFeed(w, w.teamA)}`, session: s }),
  },
  {
    route: 'POST /api/v1/feeds/:own-team/pull',
    expected: expect(200, 200, 200, 200, 403, 401),
    send: async (w, s) => w.app.request({ method: 'POST', url: `/api/v1/feeds/${await newFeed(w, w.teamA)}/pull?wait=60`, session: s }),
  },
  {
    route: 'POST /api/v1/feeds/:other-team/pull',
    expected: expect(200, 200, 404, 404, 404, 401),
    send: async (w, s) => w.app.request({ method: 'POST', url: `/api/v1/feeds/${await newFeed(w, w.teamB)}/pull?wait=60`, session: s }),
  },
  {
    route: 'POST /api/v1/sharing-groups',
    expected: expect(201, 201, 201, 403, 403, 401),
    send: (w, s) => w.app.request({ method: 'POST', url: '/api/v1/sharing-groups', session: s, payload: { name: `Matrix group ${unique()}` } }),
  },
  // Warninglists change what every team's ingest flags: only the node operators load or switch them.
  { route: 'GET /api/v1/warninglists', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/warninglists') },
  {
    route: 'POST /api/v1/warninglists',
    expected: expect(201, 201, 403, 403, 403, 401),
    send: (w, s) => w.app.request({ method: 'POST', url: '/api/v1/warninglists', session: s, payload: warninglist() }),
  },
  {
    route: 'PATCH /api/v1/warninglists/:id',
    expected: expect(200, 200, 403, 403, 403, 401),
    send: async (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/warninglists/${await newWarninglist(w)}`, session: s, payload: { enabled: false } }),
  },
  {
    route: 'GET /api/v1/incidents',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: get('/api/v1/incidents'),
  },
  {
    route: 'POST /api/v1/incidents',
    expected: expect(201, 201, 201, 201, 403, 401),
    send: (w, s) => w.app.request({ method: 'POST', url: '/api/v1/incidents', session: s, payload: { title: 'Matrix', classification: 'other', severity: 'low', tlp: 'GREEN' } }),
  },
  {
    route: 'GET /api/v1/incidents/:own-team',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/incidents/${(await newIncident(w, w.writerA)).id}`, session: s }),
  },
  {
    route: 'GET /api/v1/incidents/:other-team (not asked)',
    expected: expect(404, 404, 404, 404, 404, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/incidents/${(await newIncident(w, w.writerB)).id}`, session: s }),
  },
  {
    route: 'POST /api/v1/incidents/:own-team/status',
    expected: expect(200, 200, 200, 200, 403, 401),
    send: async (w, s) => w.app.request({ method: 'POST', url: `/api/v1/incidents/${(await newIncident(w, w.writerA)).id}/status`, session: s, payload: { status: 'triaged' } }),
  },
  {
    route: 'POST /api/v1/incidents/:other-team (asked)/status',
    expected: expect(403, 403, 403, 403, 403, 401),
    send: async (w, s) => w.app.request({ method: 'POST', url: `/api/v1/incidents/${(await newIncident(w, w.writerB, w.teamA)).id}/status`, session: s, payload: { status: 'triaged' } }),
  },
  {
    route: 'POST /api/v1/incidents/:other-team (asked)/coordination/:own-request',
    expected: expect(200, 200, 200, 200, 403, 401),
    send: async (w, s) => {
      const { id, requestId } = await newIncident(w, w.writerB, w.teamA);
      return w.app.request({ method: 'POST', url: `/api/v1/incidents/${id}/coordination/${requestId}`, session: s, payload: { status: 'accepted' } });
    },
  },
  {
    route: 'POST /api/v1/incidents/:own-team/comments',
    expected: expect(201, 201, 201, 201, 403, 401),
    send: async (w, s) => w.app.request({ method: 'POST', url: `/api/v1/incidents/${(await newIncident(w, w.writerA)).id}/comments`, session: s, payload: { body: 'matrix' } }),
  },
  { route: 'GET /api/v1/incidents/statistics', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/incidents/statistics') },
  { route: 'GET /api/v1/routing?value=', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/routing?value=192.0.2.1') },
  {
    route: 'POST /api/v1/webhooks',
    expected: expect(201, 403, 201, 403, 403, 401),
    send: (w, s) => w.app.request({ method: 'POST', url: '/api/v1/webhooks', session: s, payload: { direction: 'in' } }),
  },
  { route: 'GET /api/v1/notifications/preferences?scope=user', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/notifications/preferences?scope=user') },
  {
    route: 'POST /api/v1/reports (public form)',
    expected: expect(201, 201, 201, 201, 201, 201),
    send: (w, s) => w.app.request({ method: 'POST', url: '/api/v1/reports', session: s, payload: { name: 'Reporter', email: 'reporter@example.org', title: 'Defaced website' } }),
  },
  // Advisories follow the handling rules of events: analysts and above write for their own team; a
  // draft stays with its team; the CSAF provider metadata is public.
  { route: 'GET /api/v1/advisories', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/advisories') },
  {
    route: 'POST /api/v1/advisories',
    expected: expect(201, 201, 201, 201, 403, 401),
    send: (w, s) => w.app.request({ method: 'POST', url: '/api/v1/advisories', session: s, payload: { title: `New advisory ${unique()}`, category: 'csaf_base', tlp: 'GREEN', distribution: 'community' } }),
  },
  {
    route: 'GET /api/v1/advisories/:other-team (published, GREEN, community)',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/advisories/${await newAdvisory(w, w.writerB, true)}`, session: s }),
  },
  {
    route: 'GET /api/v1/advisories/:other-team (draft)',
    expected: expect(404, 404, 404, 404, 404, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/advisories/${await newAdvisory(w, w.writerB, false)}`, session: s }),
  },
  {
    route: 'PATCH /api/v1/advisories/:own-team',
    expected: expect(200, 200, 200, 200, 403, 401),
    send: async (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/advisories/${await newAdvisory(w, w.writerA, false)}`, session: s, payload: { title: `Edited ${unique()}` } }),
  },
  {
    route: 'PATCH /api/v1/advisories/:other-team (published)',
    expected: expect(403, 403, 403, 403, 403, 401),
    send: async (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/advisories/${await newAdvisory(w, w.writerB, true)}`, session: s, payload: { title: `Edited ${unique()}` } }),
  },
  {
    route: 'POST /api/v1/advisories/:own-team/publish',
    expected: expect(200, 200, 200, 200, 403, 401),
    send: async (w, s) => w.app.request({ method: 'POST', url: `/api/v1/advisories/${await newAdvisory(w, w.writerA, false)}/publish`, session: s }),
  },
  {
    route: 'DELETE /api/v1/advisories/:own-team',
    expected: expect(204, 204, 204, 204, 403, 401),
    send: async (w, s) => w.app.request({ method: 'DELETE', url: `/api/v1/advisories/${await newAdvisory(w, w.writerA, true)}`, session: s }),
  },
  {
    route: 'GET /api/v1/advisories/:other-team (published)/csaf',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/advisories/${await newAdvisory(w, w.writerB, true)}/csaf`, session: s }),
  },
  {
    route: 'GET /api/v1/advisories/:other-team (published)/versions',
    expected: expect(200, 200, 200, 200, 200, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/advisories/${await newAdvisory(w, w.writerB, true)}/versions`, session: s }),
  },
  {
    route: 'POST /api/v1/advisories/import',
    expected: expect(201, 201, 201, 201, 403, 401),
    // A document of its own for each cell: another team's published advisory as CSAF.
    send: async (w, s) => {
      const document = await w.app.request({ method: 'GET', url: `/api/v1/advisories/${await newAdvisory(w, w.writerB, true)}/csaf`, session: w.writerB });
      return w.app.request({ method: 'POST', url: '/api/v1/advisories/import', session: s, payload: document.json() as object });
    },
  },
  { route: 'GET /api/v1/advisories/feed/green.json', expected: expect(200, 200, 200, 200, 200, 401), send: get('/api/v1/advisories/feed/green.json') },
  { route: 'GET /.well-known/csaf/provider-metadata.json', expected: expect(200, 200, 200, 200, 200, 200), send: get('/.well-known/csaf/provider-metadata.json') },
  // Peers: node administrators manage them; the secretariat sees them; team roles neither.
  { route: 'GET /api/v1/peers', expected: expect(200, 200, 403, 403, 403, 401), send: get('/api/v1/peers') },
  {
    route: 'POST /api/v1/peers',
    expected: expect(201, 403, 403, 403, 403, 401),
    send: (w, s) => w.app.request({ method: 'POST', url: '/api/v1/peers', session: s, payload: peerIdentity() }),
  },
  {
    route: 'GET /api/v1/peers/:id',
    expected: expect(200, 200, 403, 403, 403, 401),
    send: async (w, s) => w.app.request({ method: 'GET', url: `/api/v1/peers/${await newPeer(w)}`, session: s }),
  },
  {
    route: 'PATCH /api/v1/peers/:id',
    expected: expect(200, 403, 403, 403, 403, 401),
    send: async (w, s) => w.app.request({ method: 'PATCH', url: `/api/v1/peers/${await newPeer(w)}`, session: s, payload: { status: 'paused' } }),
  },
  {
    route: 'DELETE /api/v1/peers/:id',
    expected: expect(204, 403, 403, 403, 403, 401),
    send: async (w, s) => w.app.request({ method: 'DELETE', url: `/api/v1/peers/${await newPeer(w)}`, session: s }),
  },
  { route: 'GET /federation/v1/hello (unsigned)', expected: expect(401, 401, 401, 401, 401, 401), send: get('/federation/v1/hello') },
  { route: 'GET /federation/v1/directory (unsigned)', expected: expect(401, 401, 401, 401, 401, 401), send: get('/federation/v1/directory') },
];

for (const engine of await testEngines()) {
  describe(`authorization matrix (${engine})`, () => {
    const world = {} as World;
    before(async () => {
      world.app = await startTestApp(engine);
      world.teamA = await world.app.addOrganisation('TEAM-A', 'MY');
      world.teamB = await world.app.addOrganisation('TEAM-B', 'ID');
      world.sessions = new Map();
      for (const who of WHO) world.sessions.set(who, who === 'anonymous' ? undefined : await world.app.addUser(world.teamA, who));
      world.writerA = await world.app.addUser(world.teamA, 'analyst');
      world.writerB = await world.app.addUser(world.teamB, 'analyst');
    });
    after(() => world.app.close());

    for (const row of ROWS) {
      test(row.route, async () => {
        const actual = {} as Expected;
        for (const who of WHO) {
          const response = await row.send(world, world.sessions.get(who), who);
          actual[who] = response.statusCode;
          if (response.statusCode >= 400) {
            assert.match(String(response.headers['content-type']), /^application\/problem\+json/, `${row.route} as ${who}: errors are problem+json`);
          }
        }
        assert.deepEqual(actual, row.expected);
      });
    }
  });
}
