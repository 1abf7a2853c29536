import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as openpgp from 'openpgp';
import { startTestApp, ADMIN_EMAIL, ADMIN_PASSWORD, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { testEngines } from '../../../test/helpers/store.ts';

async function publicKey(email: string): Promise<string> {
  const { publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Team', email }], format: 'armored' });
  return publicKey;
}

const validTeam = {
  name: 'Testland national CERT',
  shortName: 'TL-CERT',
  country: 'my',
  tier: 'full',
  contacts: { roleEmail: 'CERT@Testland.example', phone: '+60 3 1234 5678', emergencyPhone: '+60 12 345 6789', businessHours: 'Mon-Fri 09:00-17:00', timeZone: 'Asia/Kuala_Lumpur' },
  constituency: {
    ipPrefixes: ['2001:DB8::/32', '192.0.2.0/24', '198.51.100.7'],
    asns: ['as64500', 64501, '64500'],
    domains: ['Testland.EXAMPLE.', 'gov[.]testland.example'],
  },
  profile: 'RFC 2350 profile\n1. Document information …',
};

for (const engine of await testEngines()) {
  describe(`organisations (${engine})`, () => {
    let app: TestApp;
    let admin: Session;
    before(async () => {
      app = await startTestApp(engine);
      admin = await app.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    });
    after(() => app.close());

    const post = (payload: unknown) => app.request({ method: 'POST', url: '/api/v1/organisations', session: admin, payload: payload as object });
    const counts = async () => ({
      organisations: Number((await app.ctx.store.db.selectFrom('organisation').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
      constituency: Number((await app.ctx.store.db.selectFrom('constituency_entry').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
      audit: Number((await app.ctx.store.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
    });

    test('creates a team with every field validated and normalised', async () => {
      const key = await publicKey('cert@testland.example');
      const response = await post({ ...validTeam, pgpPublicKey: key });
      assert.equal(response.statusCode, 201, response.body);
      const team = response.json();
      assert.equal(team.country, 'MY');
      assert.equal(team.status, 'member');
      assert.equal(team.homeNode, 'Test hub');
      assert.equal(team.contacts.roleEmail, 'cert@testland.example');
      assert.deepEqual(team.constituency, {
        ipPrefixes: ['192.0.2.0/24', '198.51.100.7/32', '2001:db8::/32'],
        asns: ['AS64500', 'AS64501'],
        domains: ['gov.testland.example', 'testland.example'],
      });
      assert.match(team.pgpFingerprint, /^[0-9A-F]{40}$/);
      const fetched = await app.request({ method: 'GET', url: `/api/v1/organisations/${team.id}`, session: admin });
      assert.deepEqual(fetched.json(), team);
    });

    const badInputs: [string, Record<string, unknown>, number, string][] = [
      ['unassigned country', { country: 'XX' }, 422, 'country'],
      ['country that is not a string', { country: 12 }, 400, 'country'],
      ['unknown tier', { tier: 'platinum' }, 400, 'tier'],
      ['prefix with host bits', { constituency: { ipPrefixes: ['192.0.2.1/24'] } }, 422, 'constituency.ipPrefixes[0]'],
      ['garbage prefix', { constituency: { ipPrefixes: ['10.0.0.0/8', '300.1.1.1'] } }, 422, 'constituency.ipPrefixes[1]'],
      ['reserved ASN', { constituency: { asns: ['AS0'] } }, 422, 'constituency.asns[0]'],
      ['bad domain', { constituency: { domains: ['not a domain'] } }, 422, 'constituency.domains[0]'],
      ['not a PGP key', { pgpPublicKey: 'hello' }, 422, 'pgpPublicKey'],
      ['bad role e-mail', { contacts: { roleEmail: 'nobody' } }, 400, 'contacts.roleEmail'],
      ['unknown time zone', { contacts: { timeZone: 'Mars/Olympus' } }, 422, 'contacts.timeZone'],
      ['unknown field', { colour: 'green' }, 400, 'colour'],
      ['missing name', { name: undefined }, 400, 'name'],
      ['blank name', { name: '   ' }, 422, 'name'],
    ];
    for (const [what, change, status, field] of badInputs) {
      test(`refuses ${what} with ${status} naming ${field}, writing nothing`, async () => {
        const before = await counts();
        const response = await post({ ...validTeam, name: 'Other CERT', shortName: 'OTHER', ...change });
        assert.equal(response.statusCode, status, response.body);
        assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
        assert.equal(response.json().field, field);
        assert.ok(response.json().reason);
        assert.deepEqual(await counts(), before);
      });
    }

    test('refuses a private PGP key', async () => {
      const { privateKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'x@example.org' }], format: 'armored' });
      const response = await post({ ...validTeam, name: 'Key CERT', shortName: 'KEY', pgpPublicKey: privateKey });
      assert.equal(response.statusCode, 422);
      assert.equal(response.json().field, 'pgpPublicKey');
    });

    test('names are unique regardless of case: 409 naming the field', async () => {
      const before = await counts();
      const sameName = await post({ ...validTeam, name: 'TESTLAND NATIONAL CERT', shortName: 'NEW' });
      assert.equal(sameName.statusCode, 409);
      assert.equal(sameName.json().field, 'name');
      const sameShort = await post({ ...validTeam, name: 'Brand new CERT', shortName: 'tl-cert' });
      assert.equal(sameShort.statusCode, 409);
      assert.equal(sameShort.json().field, 'shortName');
      assert.deepEqual(await counts(), before);
    });

    test('a failed edit changes nothing; a good one replaces the constituency', async () => {
      const list = (await app.request({ method: 'GET', url: '/api/v1/organisations?q=testland', session: admin })).json();
      assert.equal(list.items.length, 1);
      const team = list.items[0];
      const bad = await app.request({
        method: 'PATCH',
        url: `/api/v1/organisations/${team.id}`,
        session: admin,
        payload: { profile: 'changed', constituency: { ipPrefixes: ['nonsense'] } },
      });
      assert.equal(bad.statusCode, 422);
      const unchanged = (await app.request({ method: 'GET', url: `/api/v1/organisations/${team.id}`, session: admin })).json();
      assert.deepEqual(unchanged, team);
      const good = await app.request({
        method: 'PATCH',
        url: `/api/v1/organisations/${team.id}`,
        session: admin,
        payload: { constituency: { ipPrefixes: ['203.0.113.0/24'] }, status: 'suspended' },
      });
      assert.equal(good.statusCode, 200, good.body);
      assert.deepEqual(good.json().constituency, { ipPrefixes: ['203.0.113.0/24'], asns: [], domains: [] });
      assert.equal(good.json().status, 'suspended');
      assert.ok(good.json().modifiedAt > team.modifiedAt);
    });

    test('an org-admin edits the own profile but not the membership fields', async () => {
      const teamId = await app.addOrganisation('OWN-TEAM', 'ID');
      const orgAdmin = await app.addUser(teamId, 'org-admin');
      const profile = await app.request({ method: 'PATCH', url: `/api/v1/organisations/${teamId}`, session: orgAdmin, payload: { profile: 'Our RFC 2350 text' } });
      assert.equal(profile.statusCode, 200);
      const tier = await app.request({ method: 'PATCH', url: `/api/v1/organisations/${teamId}`, session: orgAdmin, payload: { tier: 'observer' } });
      assert.equal(tier.statusCode, 403);
      const after = (await app.request({ method: 'GET', url: `/api/v1/organisations/${teamId}`, session: orgAdmin })).json();
      assert.equal(after.tier, 'full');
      assert.equal(after.profile, 'Our RFC 2350 text');
    });

    test('pages through the directory with cursors, no duplicates, no gaps', async () => {
      for (let i = 0; i < 7; i++) await app.addOrganisation(`PAGE-${i}`, 'SA');
      const all = new Set<string>();
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/v1/organisations?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await app.request({ method: 'GET', url, session: admin })).json() as { items: { id: string }[]; nextCursor: string | null };
        for (const item of page.items) {
          assert.ok(!all.has(item.id), 'no organisation twice');
          all.add(item.id);
        }
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      const total = (await counts()).organisations;
      assert.equal(all.size, total);
      assert.equal(pages, Math.ceil(total / 3));
    });

    test('every change is in the audit log', async () => {
      const entries = (await app.request({ method: 'GET', url: '/api/v1/audit?action=organisation.update', session: admin })).json();
      assert.ok(entries.items.length >= 2);
      assert.ok(entries.items.every((e: { objectType: string }) => e.objectType === 'organisation'));
    });
  });
}
