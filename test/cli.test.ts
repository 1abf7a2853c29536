// The `sanad` program as an operator runs it: each test spawns `node bin/sanad.js …` on a real store,
// and checks what it printed, its exit code, and what the HTTP API on the same store then says.
import type { ChildProcessByStdio } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { closeApp, openApp, type AppContext } from '../src/app.ts';
import type { Config } from '../src/config.ts';
import { buildServer } from '../src/server.ts';
import { createApiKey } from '../src/features/api-keys/service.ts';
import { keyFingerprint, rawPublicKey } from '../src/features/node/keys.ts';
import { systemViewer } from '../src/policy/viewer.ts';
import { freshStore, testEngines, type TestStore } from './helpers/store.ts';
import { UUID, assertExit, cliEnv, escapeRegExp, lines, parseTable, sanad, spawnSanad, type Run } from './helpers/cli.ts';

const ADMIN_EMAIL = 'admin@node.example';
const ADMIN_PASSWORD = 'correct horse battery staple';

/** The HTTP server of this test process, on the store the CLI writes. */
interface Server {
  ctx: AppContext;
  app: FastifyInstance;
  close(): Promise<void>;
}

async function serverOn(config: Config): Promise<Server> {
  const ctx = await openApp(config);
  const app = await buildServer(ctx, { logger: false });
  return {
    ctx,
    app,
    close: async () => {
      await app.close();
      await closeApp(ctx);
    },
  };
}

const login = (server: Server, email: string, password: string) =>
  server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

const withKey = (server: Server, key: string, url: string) => server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });

function assertLoggedIn(response: LightMyRequestResponse, email: string): { user: { id: string; role: string; orgId: string }; csrfToken: string } {
  assert.equal(response.statusCode, 200, response.body);
  const body = response.json() as { mfaRequired: boolean; user: { id: string; email: string; role: string; orgId: string }; csrfToken: string };
  assert.equal(body.mfaRequired, false);
  assert.equal(body.user.email, email);
  return body;
}

describe('sanad program', () => {
  test('--help lists every command', async () => {
    const run = await sanad(undefined, '--help');
    assertExit(run, 0);
    assert.match(run.stdout, /^Usage: sanad \[options\] \[command\]$/m);
    assert.match(run.stdout, /--data-dir <dir>/);
    for (const command of ['serve', 'init', 'migrate', 'org', 'user', 'apikey', 'audit', 'node', 'bench']) {
      assert.match(run.stdout, new RegExp(`^  ${command}\\b`, 'm'), `--help does not list ${command}`);
    }
    assert.equal(run.stderr, '');
  });
});

for (const engine of await testEngines()) {
  describe(`sanad CLI (${engine})`, () => {
    let store: TestStore;
    let config: Config;
    let server: Server | undefined; // opened once the node is initialised
    let adminSession: { cookie: string; csrfToken: string };
    const serverNow = () => {
      assert.ok(server, 'the node was not initialised by an earlier test');
      return server;
    };
    const keyFile = () => path.join(config.dataDir, 'node-ed25519.pem');
    let teamId: string;
    let analystPassword: string;

    before(async () => {
      store = await freshStore(engine);
      config = store.config;
    });
    after(async () => {
      await server?.close();
      await store.cleanup();
    });

    test('migrate applies the migrations to an empty store, then reports it up to date', async () => {
      const first = await sanad(config, 'migrate');
      assertExit(first, 0);
      const migrations = fs.readdirSync(path.join(import.meta.dirname, '../src/store/migrations')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -'.ts'.length)).sort();
      assert.ok(migrations.length >= 8);
      assert.equal(first.stdout, `applied: ${migrations.join(', ')}\n`);
      const second = await sanad(config, 'migrate');
      assertExit(second, 0);
      assert.equal(second.stdout, 'the database is up to date\n');
    });

    test('init with a bad country exits 2 naming country and leaves no node identity', async () => {
      const run = await sanad(config, 'init', '--node-name', 'Test node', '--country', 'XX', '--admin-email', ADMIN_EMAIL, '--admin-password', ADMIN_PASSWORD);
      assertExit(run, 2);
      assert.equal(run.stderr, 'error: country: XX is not an officially assigned ISO 3166-1 alpha-2 code\n');
      assert.equal(run.stdout, '');
      assert.equal(fs.existsSync(keyFile()), false, 'a node key was left behind');
    });

    test('init creates the node identity, key file 0600 and first admin without prompting', async () => {
      const run = await sanad(config, 'init', '--node-name', 'Test node', '--country', 'my', '--admin-email', ADMIN_EMAIL.toUpperCase(), '--admin-password', ADMIN_PASSWORD);
      assertExit(run, 0);
      const out = lines(run.stdout);
      assert.equal(out.length, 3, run.stdout);
      const where = engine === 'sqlite' ? path.join(config.dataDir, 'sanad.db') : `(schema ${config.pgSchema})`;
      assert.match(out[0]!, new RegExp(`^Initialised node "Test node" \\(${UUID}\\) in `));
      assert.ok(out[0]!.endsWith(where), out[0]);
      assert.match(out[1]!, /^node key fingerprint: [0-9A-F]{4}( [0-9A-F]{4}){15}$/);
      assert.equal(out[2], `first administrator: ${ADMIN_EMAIL}`);
      assert.equal(run.stderr, '');

      const stat = fs.statSync(keyFile());
      assert.equal(stat.mode & 0o777, 0o600);
      const pem = fs.readFileSync(keyFile(), 'utf8');
      assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/);

      server = await serverOn(config);
      const node = (await server.app.inject({ method: 'GET', url: '/api/v1/node' })).json() as { name: string; country: string; publicKey: string; fingerprint: string };
      assert.equal(node.name, 'Test node');
      assert.equal(node.country, 'MY');
      assert.equal(node.publicKey, rawPublicKey(crypto.createPublicKey(pem)), 'the published key is not the key on disk');
      assert.equal(`node key fingerprint: ${node.fingerprint}`, out[1]);
      assert.equal(node.fingerprint, keyFingerprint(node.publicKey));

      const session = assertLoggedIn(await login(server, ADMIN_EMAIL, ADMIN_PASSWORD), ADMIN_EMAIL);
      assert.equal(session.user.role, 'admin');
      const response = await login(server, ADMIN_EMAIL, ADMIN_PASSWORD);
      const cookie = response.cookies.find((c) => c.name === 'sanad_session')!;
      adminSession = { cookie: `sanad_session=${cookie.value}`, csrfToken: (response.json() as { csrfToken: string }).csrfToken };
    });

    test('a second init refuses and changes nothing', async () => {
      const s = serverNow();
      const pem = fs.readFileSync(keyFile(), 'utf8');
      const nodeBefore = (await s.app.inject({ method: 'GET', url: '/api/v1/node' })).json() as { nodeId: string };
      const run = await sanad(config, 'init', '--node-name', 'Other node', '--admin-email', 'other@node.example', '--admin-password', ADMIN_PASSWORD);
      assertExit(run, 2);
      assert.equal(run.stderr, 'error: this node is already initialised\n');
      assert.equal(fs.readFileSync(keyFile(), 'utf8'), pem);
      const nodeAfter = (await s.app.inject({ method: 'GET', url: '/api/v1/node' })).json() as { nodeId: string; name: string };
      assert.deepEqual(nodeAfter, nodeBefore);
      assert.equal((await login(s, 'other@node.example', ADMIN_PASSWORD)).statusCode, 401);
    });

    test('node key prints the public key alone on one line, as GET /api/v1/node publishes it', async () => {
      const run = await sanad(config, 'node', 'key');
      assertExit(run, 0);
      assert.match(run.stdout, /^[A-Za-z0-9+/]{43}=\n$/);
      const key = run.stdout.slice(0, -1);
      assert.equal(Buffer.from(key, 'base64').length, 32);
      assert.equal(Buffer.from(key, 'base64').toString('base64'), key);
      const node = (await serverNow().app.inject({ method: 'GET', url: '/api/v1/node' })).json() as { publicKey: string };
      assert.equal(key, node.publicKey);
    });

    test('org add registers a team with its constituency normalised; org list and org show find it', async () => {
      const add = await sanad(
        config,
        'org', 'add',
        '--name', 'Testland national CERT',
        '--short-name', 'TL-CERT',
        '--country', 'tl',
        '--tier', 'general',
        '--role-email', 'CERT@Testland.example',
        '--ip-prefix', '2001:DB8::/32, 192.0.2.0/24',
        '--ip-prefix', '198.51.100.7',
        '--asn', 'as64500,64501',
        '--asn', '64500',
        '--domain', 'Testland.EXAMPLE.,gov[.]testland.example',
      );
      assertExit(add, 0);
      const created = new RegExp(`^created organisation TL-CERT \\((${UUID})\\)\\n$`).exec(add.stdout);
      assert.ok(created, add.stdout);
      teamId = created[1]!;

      const [list, show] = await Promise.all([sanad(config, 'org', 'list'), sanad(config, 'org', 'show', 'TL-CERT')]);
      assertExit(list, 0);
      assert.match(lines(list.stdout)[0]!, /^id {2,}shortName {2,}name {2,}country {2,}tier {2,}status$/);
      const rows = parseTable(list.stdout);
      assert.equal(rows.length, 2, list.stdout);
      const byShortName = (short: string) => rows.find((r) => r.shortName === short);
      assert.deepEqual(byShortName('TL-CERT'), { id: teamId, shortName: 'TL-CERT', name: 'Testland national CERT', country: 'TL', tier: 'general', status: 'member' });
      assert.deepEqual({ ...byShortName('Test node'), id: '' }, { id: '', shortName: 'Test node', name: 'Test node operators', country: 'MY', tier: 'full', status: 'member' });

      assertExit(show, 0);
      const team = JSON.parse(show.stdout) as Record<string, unknown>;
      assert.equal(team.id, teamId);
      assert.equal(team.shortName, 'TL-CERT');
      assert.equal(team.country, 'TL');
      assert.equal(team.tier, 'general');
      assert.equal(team.status, 'member');
      assert.equal(team.homeNode, 'Test node');
      assert.deepEqual(team.contacts, { roleEmail: 'cert@testland.example' });
      assert.deepEqual(team.constituency, {
        ipPrefixes: ['192.0.2.0/24', '198.51.100.7/32', '2001:db8::/32'],
        asns: ['AS64500', 'AS64501'],
        domains: ['gov.testland.example', 'testland.example'],
      });
      // The CLI and the API show the same record.
      const viaApi = await serverNow().app.inject({ method: 'GET', url: `/api/v1/organisations/${teamId}`, headers: { cookie: adminSession.cookie } });
      assert.equal(viaApi.statusCode, 200, viaApi.body);
      assert.deepEqual(viaApi.json(), team);
    });

    test('org add with a bad prefix exits 2 naming the field and writes nothing', async () => {
      const count = async () => Number((await serverNow().ctx.store.db.selectFrom('organisation').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const before = await count();
      const run = await sanad(config, 'org', 'add', '--name', 'Bad CERT', '--short-name', 'BAD', '--country', 'MY', '--ip-prefix', '10.0.0.0/8,192.0.2.1/24');
      assertExit(run, 2);
      assert.equal(run.stderr, 'error: constituency.ipPrefixes[1]: host bits set: did you mean 192.0.2.0/24?\n');
      assert.equal(run.stdout, '');
      assert.equal(await count(), before);
    });

    test('user add creates an account whose one-time password logs in', async () => {
      const add = await sanad(config, 'user', 'add', '--org', 'TL-CERT', '--email', 'Ana@Testland.example', '--name', 'Ana', '--role', 'analyst');
      assertExit(add, 0);
      const out = lines(add.stdout);
      assert.equal(out.length, 2, add.stdout);
      assert.match(out[0]!, new RegExp(`^created analyst ana@testland\\.example in TL-CERT \\(${UUID}\\)$`));
      const password = /^one-time password: (\S{24})$/.exec(out[1]!);
      assert.ok(password, out[1]);
      analystPassword = password[1]!;
      const session = assertLoggedIn(await login(serverNow(), 'ana@testland.example', analystPassword), 'ana@testland.example');
      assert.equal(session.user.role, 'analyst');
      assert.equal(session.user.orgId, teamId);
    });

    test(
      'user list shows every account with its role and team',
      async () => {
        const run = await sanad(config, 'user', 'list');
        assertExit(run, 0);
        const rows = parseTable(run.stdout);
        assert.deepEqual(
          rows.map((r) => [r.email, r.role, r.organisation, r.disabled]),
          [
            [ADMIN_EMAIL, 'admin', 'Test node operators', ''],
            ['ana@testland.example', 'analyst', 'Testland national CERT', ''],
          ],
        );
      },
    );

    let readerKeyId: string;
    let readerKey: string;
    let adminKey: string;
    test('apikey create prints the key alone on its last line; it authenticates with the key role', async () => {
      const [reader, full, tooHigh] = await Promise.all([
        sanad(config, 'apikey', 'create', '--user', ADMIN_EMAIL, '--role', 'reader', '--name', 'feed'),
        sanad(config, 'apikey', 'create', '--user', ADMIN_EMAIL),
        sanad(config, 'apikey', 'create', '--user', 'ana@testland.example', '--role', 'admin'),
      ]);
      const parse = (run: Run, role: string) => {
        assertExit(run, 0);
        const out = lines(run.stdout);
        assert.equal(out.length, 2, run.stdout);
        const first = new RegExp(`^created API key (${UUID}) \\((sanad_\\S{6})…, role ${role}\\) for ${escapeRegExp(ADMIN_EMAIL)}$`).exec(out[0]!);
        assert.ok(first, out[0]);
        const key = out.at(-1)!;
        assert.match(key, /^sanad_[A-Za-z0-9_-]{43}$/);
        assert.ok(key.startsWith(first[2]!), 'the printed prefix is the key prefix');
        return { id: first[1]!, key };
      };
      ({ id: readerKeyId, key: readerKey } = parse(reader, 'reader'));
      ({ key: adminKey } = parse(full, 'admin'));

      const s = serverNow();
      for (const key of [readerKey, adminKey]) {
        const me = await withKey(s, key, '/api/v1/me');
        assert.equal(me.statusCode, 200, me.body);
        assert.equal((me.json() as { email: string }).email, ADMIN_EMAIL);
      }
      // Verifying the audit chain takes the admin role: the reader key of the same admin may not.
      assert.equal((await withKey(s, readerKey, '/api/v1/audit/verify')).statusCode, 403);
      const verify = await withKey(s, adminKey, '/api/v1/audit/verify');
      assert.equal(verify.statusCode, 200, verify.body);
      assert.equal((verify.json() as { ok: boolean }).ok, true);

      assertExit(tooHigh, 2);
      assert.equal(tooHigh.stderr, "error: role: may not be higher than the user's role (analyst)\n");
    });

    test('apikey revoke makes the key fail with 401', async () => {
      const run = await sanad(config, 'apikey', 'revoke', readerKeyId);
      assertExit(run, 0);
      assert.equal(run.stdout, `revoked ${readerKeyId}\n`);
      const s = serverNow();
      const refused = await withKey(s, readerKey, '/api/v1/me');
      assert.equal(refused.statusCode, 401);
      assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal((await withKey(s, adminKey, '/api/v1/me')).statusCode, 200, 'only the revoked key stops working');
    });

    test(
      'user disable stops the account logging in and its API keys working',
      async () => {
        const s = serverNow();
        const user = await s.ctx.store.db.selectFrom('app_user').select('id').where('email', '=', 'ana@testland.example').executeTakeFirstOrThrow();
        const { key } = await createApiKey(s.ctx, { viewer: systemViewer('test'), sourceIp: null }, user.id, { name: 'before disable' });
        assert.equal((await withKey(s, key, '/api/v1/me')).statusCode, 200);
        const run = await sanad(config, 'user', 'disable', 'Ana@Testland.example');
        assertExit(run, 0);
        assert.equal(run.stdout, 'disabled ana@testland.example\n');
        assert.equal((await login(s, 'ana@testland.example', analystPassword)).statusCode, 401);
        assert.equal((await withKey(s, key, '/api/v1/me')).statusCode, 401);
      },
    );

    test('audit verify exits 0 on an intact log, and 1 naming the entry changed in the database', async () => {
      const db = serverNow().ctx.store.db;
      const entries = Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const head = await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      assert.ok(entries >= 8, `only ${entries} audit entries`);
      const intact = await sanad(config, 'audit', 'verify');
      assertExit(intact, 0);
      assert.equal(intact.stdout, `audit log intact: ${entries} entries, head ${head.seq} ${head.hash}\n`);

      await db.updateTable('audit_log').set({ details: '{"x":1}' }).where('seq', '=', 2).execute();
      const broken = await sanad(config, 'audit', 'verify');
      assertExit(broken, 1);
      assert.equal(broken.stdout, '');
      assert.equal(broken.stderr, 'audit log BROKEN at entry 2: entry 2 was altered (its content no longer matches its hash)\nverified intact up to entry 1\n');
    });

    test('init without a password prints a one-time password that logs in', async () => {
      const other = await freshStore(engine);
      try {
        const run = await sanad(other.config, 'init', '--node-name', 'Second node', '--admin-email', 'first@second.example');
        assertExit(run, 0);
        const out = lines(run.stdout);
        assert.equal(out.length, 4, run.stdout);
        assert.equal(out[2], 'first administrator: first@second.example');
        const password = /^one-time password: (\S{24})$/.exec(out[3]!);
        assert.ok(password, out[3]);
        const s = await serverOn(other.config);
        try {
          assertLoggedIn(await login(s, 'first@second.example', password[1]!), 'first@second.example');
          assert.equal((await login(s, 'first@second.example', `${password[1]!}x`)).statusCode, 401);
          const node = (await s.app.inject({ method: 'GET', url: '/api/v1/node' })).json() as { country: string | null };
          assert.equal(node.country, null);
        } finally {
          await s.close();
        }
      } finally {
        await other.cleanup();
      }
    });
  });
}

describe('sanad serve (sqlite)', () => {
  let child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  let dataDir: string;
  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanad-serve-'));
  });
  after(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('serves on a free port after initialising an empty store, and stops on SIGTERM', async () => {
    const password = 'serve test admin password';
    child = spawnSanad(['serve', '--port', '0', '--init-if-empty', '--data-dir', dataDir], cliEnv(undefined, { SANAD_ADMIN_PASSWORD: password, LOG_LEVEL: 'warn' }));
    const running = child;
    let stdout = '';
    let stderr = '';
    running.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => running.on('exit', (code, signal) => resolve({ code, signal })));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "running" line within 30 s\nstdout: ${stdout}\nstderr: ${stderr}`)), 30_000);
      running.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const match = /^Sanad is running at http:\/\/127\.0\.0\.1:(\d+)\/ /m.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      void exited.then(({ code }) => reject(new Error(`serve exited (${String(code)}) before listening\nstdout: ${stdout}\nstderr: ${stderr}`)));
    });
    assert.ok(port > 0);
    assert.match(stdout, /^Initialised node "Sanad" in /m);
    assert.match(stdout, /^ {2}first administrator: {2}admin@sanad\.local$/m);
    assert.doesNotMatch(stdout, /one-time password/, 'the given password is not replaced by a generated one');
    assert.equal(fs.statSync(path.join(dataDir, 'node-ed25519.pem')).mode & 0o777, 0o600);

    const base = `http://127.0.0.1:${port}`;
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok', engine: 'sqlite', version: '0.1.0' });
    const loggedIn = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@sanad.local', password }),
    });
    assert.equal(loggedIn.status, 200);

    assert.equal(running.kill('SIGTERM'), true);
    const exit = await exited;
    assert.deepEqual(exit, { code: 0, signal: null });
    await assert.rejects(fetch(`${base}/healthz`), 'the port is closed after shutdown');
  });
});
