// Logging in and out, lock-out and rate limits, CSRF, password change, and the second factor (TOTP
// and recovery codes), over HTTP on every engine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, startTestApp, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { testEngines } from '../../../test/helpers/store.ts';
import { currentTotp } from './totp.ts';

const LIMITS = { maxFailedLogins: 3, lockoutSeconds: 60, loginRequestsPerMinute: 1000 };
const NEW_PASSWORD = 'another long enough password';
const TOTP_PERIOD_MS = 30_000;

/** Asserts an RFC 9457 problem with this exact status (and field, when given); returns its body. */
function expectProblem(response: LightMyRequestResponse, status: number, field?: string): { detail: string; field?: string } {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const body = response.json();
  assert.equal(body.status, status);
  if (field !== undefined) assert.equal(body.field, field);
  return body;
}

/** The `sanad_session=…` pair a login response set. */
function sessionCookie(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === 'sanad_session');
  assert.ok(cookie && cookie.value, 'a sanad_session cookie is set');
  return `sanad_session=${cookie.value}`;
}

/** A code the server accepts once the activation code (the current step) has been used: the next step's,
 *  inside the one step of drift allowed. Robust to crossing a step boundary between the two calls. */
function nextTotp(secret: string): string {
  return currentTotp(secret, Date.now() + TOTP_PERIOD_MS);
}

/** A six-digit code that no step near now produces. */
function wrongTotp(secret: string): string {
  const valid = new Set([-2, -1, 0, 1, 2].map((k) => currentTotp(secret, Date.now() + k * TOTP_PERIOD_MS)));
  let n = 0;
  while (valid.has(String(n).padStart(6, '0'))) n += 1;
  return String(n).padStart(6, '0');
}

for (const engine of await testEngines()) {
  // Its own app with a tiny login budget.
  describe(`login rate limit (${engine})`, () => {
    test('the login route is rate-limited per client', async () => {
      const limited = await startTestApp(engine, { loginRequestsPerMinute: 3 });
      try {
        const attempt = () => limited.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
        for (let i = 0; i < 3; i++) assert.equal((await attempt()).statusCode, 200);
        const refused = await attempt();
        expectProblem(refused, 429);
        assert.match(refused.json().detail, /^rate limit exceeded: retry in \d+ seconds$/);
        const retryAfter = Number(refused.headers['retry-after']);
        assert.ok(retryAfter > 0 && retryAfter <= 60, `retry-after ${retryAfter}`);
      } finally {
        await limited.close();
      }
    });
  });

  describe(`session lifetimes (${engine})`, () => {
    test('a session stops working when its lifetime ends', async () => {
      const shortLived = await startTestApp(engine, { sessionTtlSeconds: 1 });
      try {
        const session = await shortLived.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        assert.equal((await shortLived.request({ method: 'GET', url: '/api/v1/me', session })).statusCode, 200);
        await new Promise((resolve) => setTimeout(resolve, 1100));
        expectProblem(await shortLived.request({ method: 'GET', url: '/api/v1/me', session }), 401);
      } finally {
        await shortLived.close();
      }
    });
  });

  describe(`auth (${engine})`, () => {
    let app: TestApp;
    let admin: Session;
    before(async () => {
      app = await startTestApp(engine, LIMITS);
      admin = await app.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    });
    after(() => app.close());

    const postLogin = (email: string, password: string) => app.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
    const postMfa = (cookie: string | undefined, code: string) =>
      app.request({ method: 'POST', url: '/api/v1/auth/login/mfa', payload: { code }, headers: cookie ? { cookie } : {} });
    /** GET as a bare cookie (no CSRF header): what a browser sends on its own. */
    const getWithCookie = (url: string, cookie: string) => app.request({ method: 'GET', url, headers: { cookie } });
    const me = (session: Session) => app.request({ method: 'GET', url: '/api/v1/me', session });
    const newUser = () => app.addUser(app.hubOrgId, 'analyst');

    const auditRows = async (action: string, objectId: string) =>
      (await app.ctx.store.db.selectFrom('audit_log').selectAll().where('action', '=', action).where('object_id', '=', objectId).orderBy('seq').execute()).map(
        (row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> }),
      );

    /** Logs in and opens a session, asserting the one-step outcome. */
    async function loginSession(email: string, password: string): Promise<Session> {
      const response = await postLogin(email, password);
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json();
      assert.equal(body.mfaRequired, false);
      return { cookie: sessionCookie(response), csrfToken: body.csrfToken, userId: body.user.id };
    }

    describe('password login', () => {
      test('success sets an HttpOnly, SameSite=Lax, Path=/ session cookie and returns the user and a CSRF token', async () => {
        const user = await newUser();
        const response = await postLogin(user.email.toUpperCase(), USER_PASSWORD);
        assert.equal(response.statusCode, 200, response.body);
        const setCookie = [response.headers['set-cookie']].flat().find((h) => h?.startsWith('sanad_session='));
        assert.ok(setCookie, 'a Set-Cookie header for sanad_session');
        const attributes = setCookie.split(';').map((part) => part.trim().toLowerCase());
        assert.ok(attributes.includes('httponly'), setCookie);
        assert.ok(attributes.includes('samesite=lax'), setCookie);
        assert.ok(attributes.includes('path=/'), setCookie);
        const body = response.json();
        assert.equal(body.mfaRequired, false);
        assert.equal(body.user.id, user.userId);
        assert.equal(body.user.email, user.email);
        assert.equal(body.user.mfaEnabled, false);
        assert.match(body.csrfToken, /^[A-Za-z0-9_-]{43}$/);
        const session = await getWithCookie('/api/v1/auth/session', sessionCookie(response));
        assert.equal(session.statusCode, 200);
        assert.equal(session.json().csrfToken, body.csrfToken);
      });

      test('a wrong password gets 401 problem+json and is audited', async () => {
        const user = await newUser();
        const problem = expectProblem(await postLogin(user.email, 'not the password at all'), 401);
        assert.equal(problem.detail, 'e-mail or password is wrong');
        const rows = await auditRows('auth.login_failed', user.userId);
        assert.equal(rows.length, 1);
        assert.equal(rows[0]!.actor_type, 'anonymous');
        assert.deepEqual(rows[0]!.details, { email: user.email, reason: 'wrong password' });
      });

      test('an unknown e-mail gets the same 401 as a wrong password', async () => {
        const user = await newUser();
        const wrongPassword = expectProblem(await postLogin(user.email, 'not the password at all'), 401);
        const unknown = expectProblem(await postLogin('nobody@nowhere.example', USER_PASSWORD), 401);
        assert.deepEqual(unknown, wrongPassword);
      });

      test('disabling a user ends their session, and they cannot log in again', async () => {
        const user = await newUser();
        assert.equal((await me(user)).statusCode, 200);
        const patch = await app.request({ method: 'PATCH', url: `/api/v1/users/${user.userId}`, session: admin, payload: { disabled: true } });
        assert.equal(patch.statusCode, 200, patch.body);
        assert.equal(patch.json().disabled, true);
        expectProblem(await me(user), 401);
        const problem = expectProblem(await postLogin(user.email, USER_PASSWORD), 401);
        assert.equal(problem.detail, 'e-mail or password is wrong');
      });

      test(`after ${LIMITS.maxFailedLogins} wrong passwords the account locks, even for the right one`, async () => {
        const user = await newUser();
        for (let i = 0; i < LIMITS.maxFailedLogins; i++) expectProblem(await postLogin(user.email, `wrong password ${i}`), 401);
        const response = await postLogin(user.email, USER_PASSWORD);
        assert.match(expectProblem(response, 429).detail, /locked/);
        const retryAfter = Number(response.headers['retry-after']);
        assert.ok(retryAfter > 0 && retryAfter <= LIMITS.lockoutSeconds, `retry-after ${retryAfter}`);
        const rows = await auditRows('auth.login_failed', user.userId);
        assert.equal(rows.length, LIMITS.maxFailedLogins);
        assert.deepEqual(
          rows.map((row) => row.details.lockedForSeconds),
          [...Array<undefined>(LIMITS.maxFailedLogins - 1), LIMITS.lockoutSeconds],
        );
      });

      test('concurrent wrong passwords all count towards the lock', async () => {
        const user = await newUser();
        await Promise.all(Array.from({ length: LIMITS.maxFailedLogins }, (_, i) => postLogin(user.email, `wrong password ${i}`)));
        expectProblem(await postLogin(user.email, USER_PASSWORD), 429);
      });

      test('logout ends the session', async () => {
        const user = await newUser();
        const response = await app.request({ method: 'POST', url: '/api/v1/auth/logout', session: user });
        assert.equal(response.statusCode, 204, response.body);
        assert.equal(response.cookies.find((c) => c.name === 'sanad_session')?.value, '', 'the cookie is cleared');
        expectProblem(await app.request({ method: 'GET', url: '/api/v1/auth/session', session: user }), 401);
      });
    });

    describe('CSRF', () => {
      const rename = (user: Session, name: string, headers: Record<string, string>) =>
        app.request({ method: 'PATCH', url: `/api/v1/users/${user.userId}`, payload: { name }, headers });
      const nameOf = async (user: Session) => (await me(user)).json().name as string;

      test('a cookie-authenticated change needs the session’s token; reads do not', async () => {
        const user = await newUser();
        const before = await nameOf(user);
        expectProblem(await rename(user, 'No token', { cookie: user.cookie }), 403);
        assert.equal(await nameOf(user), before);
        expectProblem(await rename(user, 'Wrong token', { cookie: user.cookie, 'x-csrf-token': `${user.csrfToken.slice(1)}x` }), 403);
        assert.equal(await nameOf(user), before);
        const other = await newUser();
        expectProblem(await rename(user, 'Token of another session', { cookie: user.cookie, 'x-csrf-token': other.csrfToken }), 403);
        assert.equal(await nameOf(user), before);
        // Refused as a forgery before the body is even validated.
        expectProblem(
          await app.request({ method: 'PATCH', url: `/api/v1/users/${user.userId}`, payload: { bogus: true }, headers: { cookie: user.cookie } }),
          403,
        );
        const ok = await rename(user, 'Right token', { cookie: user.cookie, 'x-csrf-token': user.csrfToken });
        assert.equal(ok.statusCode, 200, ok.body);
        assert.equal((await getWithCookie('/api/v1/me', user.cookie)).json().name, 'Right token');
      });

      test('API-key requests need no CSRF token', async () => {
        const user = await newUser();
        const created = await app.request({ method: 'POST', url: '/api/v1/api-keys', session: user, payload: { name: 'script' } });
        assert.equal(created.statusCode, 201, created.body);
        const response = await app.request({
          method: 'PATCH',
          url: `/api/v1/users/${user.userId}`,
          apiKey: created.json().key,
          payload: { name: 'Renamed by key' },
        });
        assert.equal(response.statusCode, 200, response.body);
        assert.equal(response.json().name, 'Renamed by key');
      });
    });

    describe('password change', () => {
      const changePassword = (session: Session, currentPassword: string, newPassword: string) =>
        app.request({ method: 'POST', url: '/api/v1/me/password', session, payload: { currentPassword, newPassword } });

      test('refuses a wrong current password and a too-short new one', async () => {
        const user = await newUser();
        expectProblem(await changePassword(user, 'not the password at all', NEW_PASSWORD), 422, 'currentPassword');
        expectProblem(await changePassword(user, USER_PASSWORD, 'short'), 400, 'newPassword');
        await loginSession(user.email, USER_PASSWORD); // still the old password
      });

      test('ends the other sessions, keeps this one, and the new password logs in', async () => {
        const user = await newUser();
        const other = await loginSession(user.email, USER_PASSWORD);
        const response = await changePassword(user, USER_PASSWORD, NEW_PASSWORD);
        assert.equal(response.statusCode, 204, response.body);
        assert.equal((await me(user)).statusCode, 200);
        expectProblem(await me(other), 401);
        expectProblem(await postLogin(user.email, USER_PASSWORD), 401);
        const fresh = await loginSession(user.email, NEW_PASSWORD);
        assert.equal(fresh.userId, user.userId);
      });
    });

    describe('second factor', () => {
      const mePost = (session: Session, path: string, payload: object) => app.request({ method: 'POST', url: `/api/v1/me/${path}`, session, payload });
      const mfaEnabled = async (session: Session) => {
        const response = await me(session);
        assert.equal(response.statusCode, 200, response.body);
        return response.json().mfaEnabled as boolean;
      };

      async function enrol(session: Session): Promise<string> {
        const response = await mePost(session, 'mfa/enrol', {});
        assert.equal(response.statusCode, 200, response.body);
        return response.json().secret;
      }

      /** A fresh user with an active second factor; their enrolling session stays open. */
      async function userWithMfa() {
        const user = await newUser();
        const secret = await enrol(user);
        const response = await mePost(user, 'mfa/activate', { code: currentTotp(secret) });
        assert.equal(response.statusCode, 200, response.body);
        return { ...user, secret, recoveryCodes: response.json().recoveryCodes as string[] };
      }

      /** The password step: asserts the body is exactly `{ mfaRequired: true }`; returns the challenge cookie. */
      async function passwordStep(email: string): Promise<string> {
        const response = await postLogin(email, USER_PASSWORD);
        assert.equal(response.statusCode, 200, response.body);
        assert.deepEqual(response.json(), { mfaRequired: true });
        return sessionCookie(response);
      }

      /** Both steps; returns the second step's response. */
      async function loginWithCode(email: string, code: string): Promise<LightMyRequestResponse> {
        return postMfa(await passwordStep(email), code);
      }

      test('enrolment returns a secret, an otpauth URL and an SVG QR code', async () => {
        const user = await newUser();
        const response = await mePost(user, 'mfa/enrol', {});
        assert.equal(response.statusCode, 200, response.body);
        const body = response.json();
        assert.match(body.secret, /^[A-Z2-7]{32}$/);
        assert.ok(body.otpauthUrl.startsWith('otpauth://totp/'), body.otpauthUrl);
        assert.equal(new URL(body.otpauthUrl).searchParams.get('secret'), body.secret);
        assert.match(body.qrSvg, /^<svg[\s\S]*<\/svg>\s*$/);
        assert.equal(await mfaEnabled(user), false, 'enrolment alone does not turn the factor on');
      });

      test('activation needs a correct code and returns 10 recovery codes', async () => {
        const user = await newUser();
        const secret = await enrol(user);
        expectProblem(await mePost(user, 'mfa/activate', { code: wrongTotp(secret) }), 422, 'code');
        assert.equal(await mfaEnabled(user), false);
        const response = await mePost(user, 'mfa/activate', { code: currentTotp(secret) });
        assert.equal(response.statusCode, 200, response.body);
        const codes: string[] = response.json().recoveryCodes;
        assert.equal(codes.length, 10);
        assert.equal(new Set(codes).size, 10);
        for (const code of codes) assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
        assert.equal(await mfaEnabled(user), true);
      });

      test('login then asks for a code, and the half-done session opens nothing', async () => {
        const user = await userWithMfa();
        const challenge = await passwordStep(user.email);
        expectProblem(await getWithCookie('/api/v1/me', challenge), 401);
        expectProblem(await postMfa(challenge, wrongTotp(user.secret)), 401);
        const response = await postMfa(challenge, nextTotp(user.secret));
        assert.equal(response.statusCode, 200, response.body);
        const body = response.json();
        assert.equal(body.user.id, user.userId);
        assert.equal(body.user.mfaEnabled, true);
        const session = await getWithCookie('/api/v1/me', sessionCookie(response));
        assert.equal(session.statusCode, 200);
        assert.equal(session.json().id, user.userId);
        expectProblem(await postMfa(challenge, nextTotp(user.secret)), 401); // the challenge is used up
      });

      test('a TOTP code is accepted once: replaying it for another login fails', async () => {
        const user = await userWithMfa();
        const code = nextTotp(user.secret);
        assert.equal((await loginWithCode(user.email, code)).statusCode, 200);
        expectProblem(await loginWithCode(user.email, code), 401);
      });

      /** Opens `n` password steps, then sends `code` to all of them at once; returns the sorted statuses. */
      async function race(email: string, code: string, n = 3): Promise<number[]> {
        const challenges: string[] = [];
        for (let i = 0; i < n; i++) challenges.push(await passwordStep(email));
        const responses = await Promise.all(challenges.map((challenge) => postMfa(challenge, code)));
        return responses.map((r) => r.statusCode).sort();
      }

      test('logins racing with the same TOTP code: exactly one wins', async () => {
        const user = await userWithMfa();
        assert.deepEqual(await race(user.email, nextTotp(user.secret)), [200, 401, 401]);
      });

      test('logins racing with the same recovery code: exactly one wins', async () => {
        const user = await userWithMfa();
        assert.deepEqual(await race(user.email, user.recoveryCodes[0]!), [200, 401, 401]);
      });

      test('a recovery code works once', async () => {
        const user = await userWithMfa();
        const [code] = user.recoveryCodes;
        const first = await loginWithCode(user.email, code!);
        assert.equal(first.statusCode, 200, first.body);
        assert.equal((await getWithCookie('/api/v1/me', sessionCookie(first))).statusCode, 200);
        expectProblem(await loginWithCode(user.email, code!), 401);
        expectProblem(await loginWithCode(user.email, code!.toLowerCase()), 401);
      });

      test('the code step without the password step is refused', async () => {
        const user = await userWithMfa();
        expectProblem(await postMfa(undefined, nextTotp(user.secret)), 401);
        expectProblem(await postMfa(user.cookie, nextTotp(user.secret)), 401); // an active session is no challenge
        expectProblem(await postMfa(undefined, user.recoveryCodes[0]!), 401);
      });

      test('disabling needs the password, then login needs no code', async () => {
        const user = await userWithMfa();
        expectProblem(await mePost(user, 'mfa/disable', { password: 'not the password at all' }), 422, 'password');
        assert.equal(await mfaEnabled(user), true);
        const response = await mePost(user, 'mfa/disable', { password: USER_PASSWORD });
        assert.equal(response.statusCode, 204, response.body);
        assert.equal(await mfaEnabled(user), false);
        await loginSession(user.email, USER_PASSWORD);
      });

      test('regenerating recovery codes replaces the old ones', async () => {
        const user = await userWithMfa();
        expectProblem(await mePost(user, 'mfa/recovery-codes', { password: 'not the password at all' }), 422, 'password');
        const response = await mePost(user, 'mfa/recovery-codes', { password: USER_PASSWORD });
        assert.equal(response.statusCode, 200, response.body);
        const fresh: string[] = response.json().recoveryCodes;
        assert.equal(fresh.length, 10);
        assert.equal(fresh.filter((code) => user.recoveryCodes.includes(code)).length, 0);
        expectProblem(await loginWithCode(user.email, user.recoveryCodes[1]!), 401);
        assert.equal((await loginWithCode(user.email, fresh[0]!)).statusCode, 200);
      });
    });
  });
}
