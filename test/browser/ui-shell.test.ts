// End-to-end test of the web UI shell against a real Sanad node, in headless Chromium.
// Needs the built UI (npx vite build --config web/vite.config.ts) and /usr/bin/chromium.
// Screenshots of the main pages go to test-artifacts/screenshots/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import * as OTPAuth from 'otpauth';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestNode } from '../helpers/node.ts';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = `${ROOT}test-artifacts/screenshots`;
const BUILT_UI = `${ROOT}web/dist/index.html`;

const ORG = { name: 'CERT Testland', shortName: 'TL-CERT', country: 'MY', prefix: '192.0.2.0/24' };
const NEW_USER = { email: 'analyst@testland.example', name: 'Test Analyst', password: 'Correct-Horse-Battery-Staple-42' };
const EVENT = {
  info: 'Phishing wave against Testland banks',
  tag: 'phishing',
  url: 'hxxp://evil[.]example/x',
  badLine: 'ip-dst 999.1.1.1',
  goodLine: 'ip-dst 203.0.113.9',
  unknown: '198.51.100.250',
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** A TOTP code not used before, not about to expire (servers usually refuse a replayed code). */
async function freshCode(totp: OTPAuth.TOTP, used: Set<string>): Promise<string> {
  for (;;) {
    const secondsLeft = totp.period - (Math.floor(Date.now() / 1000) % totp.period);
    const code = totp.generate();
    if (!used.has(code) && secondsLeft > 3) {
      used.add(code);
      return code;
    }
    await sleep(1000);
  }
}

/** The inline error shown next to the control labelled `label`, checked to be wired to it. */
async function fieldError(page: Page, label: string): Promise<string> {
  const control = page.getByLabel(label, { exact: true });
  const error = page.locator('.field').filter({ has: control }).locator('.field-error');
  await error.waitFor({ state: 'visible' });
  assert.equal(await control.getAttribute('aria-invalid'), 'true', `${label} is marked invalid`);
  const errorId = await error.getAttribute('id');
  assert.ok(errorId, 'the field error has an id');
  const describedBy = (await control.getAttribute('aria-describedby')) ?? '';
  assert.ok(describedBy.split(/\s+/).includes(errorId), `${label} is described by its error (${describedBy})`);
  return (await error.innerText()).trim();
}

/** A link of the main navigation. */
function nav(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
}

async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

test('web UI shell: login, organisations, users, second factor, API keys, intelligence', { timeout: 300_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    // CI installs Chromium and sets this: there a missing browser is a failure, not a skip.
    assert.ok(process.env.SANAD_TEST_REQUIRE_BROWSER !== '1', `Chromium is required but missing at ${CHROMIUM}`);
    t.skip(`Chromium not found at ${CHROMIUM}; install it with: apt-get update && apt-get install -y chromium`);
    return;
  }
  assert.ok(existsSync(BUILT_UI), `the UI is not built (${BUILT_UI} missing): run npx vite build --config web/vite.config.ts`);
  mkdirSync(SHOTS, { recursive: true });

  const node = await startTestNode();
  let browser: Browser | undefined;
  t.after(async () => {
    await browser?.close();
    await node.close();
  });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ baseURL: node.url, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));

  const totpUsed = new Set<string>();
  let totp: OTPAuth.TOTP | null = null;

  const step = async (name: string, fn: () => Promise<void>): Promise<void> => {
    await t.test(name, async () => {
      try {
        await fn();
      } catch (err) {
        await shot(page, `failure-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`).catch(() => undefined);
        throw err;
      }
    });
  };

  await step('log in as the first admin', async () => {
    const nodeInfo = (await (await context.request.get('/api/v1/node')).json()) as { name: string };
    await page.goto('/');
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await shot(page, 'login');
    await logIn(page, node.admin.email, node.admin.password);
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    const header = await page.getByRole('banner').innerText();
    assert.ok(header.includes(nodeInfo.name), `header shows the node name "${nodeInfo.name}"`);
    assert.ok(header.includes(node.admin.email), 'header shows the logged-in user');
    await page.getByRole('heading', { name: 'Directory', level: 1 }).waitFor();
  });

  await step('organisation form: a bad country code is reported next to the country field', async () => {
    await nav(page, 'Admin: organisations').click();
    await page.getByRole('heading', { name: 'Admin: organisations' }).waitFor();
    await page.getByRole('link', { name: 'New organisation' }).click();
    await page.getByRole('heading', { name: 'New organisation' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill(ORG.name);
    await page.getByLabel('Short name').fill(ORG.shortName);
    await page.getByLabel('Country', { exact: true }).fill('XX');
    await page.getByLabel('Tier').selectOption('full');
    await page.getByLabel('Role e-mail').fill('cert@testland.example');
    await page.getByLabel('Emergency phone').fill('+60 3 0000 0000');
    await page.getByLabel('Time zone').fill('Asia/Kuala_Lumpur');
    await page.getByLabel('IP prefixes').fill(ORG.prefix);
    await page.getByLabel('ASNs').fill('AS64496');
    await page.getByLabel('Domains').fill('testland.example');
    await page.getByLabel('Profile text').fill('National CERT of Testland. Incident coordination 24/7.');
    await page.getByRole('button', { name: 'Create organisation' }).click();
    const message = await fieldError(page, 'Country');
    assert.ok(message.length > 0, 'the country error has a message');
    await page.getByRole('alert').waitFor();
    await shot(page, 'organisation-form-error');
  });

  await step('create the organisation', async () => {
    await page.getByLabel('Country', { exact: true }).fill(ORG.country);
    await page.getByRole('button', { name: 'Create organisation' }).click();
    await page.getByRole('heading', { name: ORG.name, level: 1 }).waitFor();
    const text = await page.getByRole('main').innerText();
    assert.ok(text.includes(ORG.prefix), 'constituency prefix shown');
    assert.ok(text.includes('cert@testland.example'), 'role e-mail shown');
    await shot(page, 'organisation');
  });

  await step('the organisation is in the directory', async () => {
    await nav(page, 'Directory').click();
    await page.getByRole('heading', { name: 'Directory', level: 1 }).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: ORG.name }) });
    await row.waitFor();
    const rowText = await row.innerText();
    assert.ok(rowText.includes('MY'), 'country code shown');
    assert.ok(rowText.includes('\u{1F1F2}\u{1F1FE}'), 'flag of Malaysia shown');
    assert.ok(rowText.includes('cert@testland.example'), 'role e-mail shown');
    await shot(page, 'directory');
    // The layout must hold in right-to-left mode too.
    await page.evaluate(() => document.documentElement.setAttribute('dir', 'rtl'));
    await shot(page, 'directory-rtl');
    await page.evaluate(() => document.documentElement.setAttribute('dir', 'ltr'));
    await page.getByRole('link', { name: ORG.name }).click();
    await page.getByRole('heading', { name: ORG.name, level: 1 }).waitFor();
  });

  await step('create a user in the organisation', async () => {
    await nav(page, 'Admin: users').click();
    await page.getByRole('heading', { name: 'Admin: users' }).waitFor();
    await page.getByLabel('Organisation', { exact: true }).selectOption({ label: `${ORG.name} (${ORG.shortName})` });
    await page.getByLabel('E-mail').fill(NEW_USER.email);
    await page.getByLabel('Name', { exact: true }).fill(NEW_USER.name);
    await page.getByLabel('Role', { exact: true }).selectOption('analyst');
    await page.getByLabel('Initial password').fill(NEW_USER.password);
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('status').filter({ hasText: `User ${NEW_USER.email} created` }).waitFor();
    const row = page.getByRole('row').filter({ hasText: NEW_USER.email });
    await row.waitFor();
    assert.ok((await row.innerText()).includes(ORG.name), 'user listed with the organisation');
    await shot(page, 'admin-users');
  });

  await step('enrol the second factor and see the recovery codes', async () => {
    await nav(page, 'Profile').click();
    await page.getByRole('heading', { name: 'Profile', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    const secret = await page.getByLabel('Secret key').inputValue();
    assert.match(secret, /^[A-Z2-7]+=*$/, 'the secret is base32');
    totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
    await shot(page, 'profile-mfa-enrol');
    await page.getByLabel('Verification code').fill(await freshCode(totp, totpUsed));
    await page.getByRole('button', { name: 'Activate' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' });
    await codes.waitFor();
    assert.ok((await codes.getByRole('listitem').count()) >= 4, 'recovery codes shown');
    await shot(page, 'profile-recovery-codes');
    await page.getByRole('button', { name: 'I have stored the codes' }).click();
    await codes.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Turn off two-factor authentication' }).waitFor();
  });

  await step('log out and log in again with the one-time code', async () => {
    assert.ok(totp, 'second factor enrolled');
    await page.getByRole('button', { name: 'Log out' }).click();
    await logIn(page, node.admin.email, node.admin.password);
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    await shot(page, 'login-mfa');
    await page.getByLabel('Authentication code').fill(await freshCode(totp, totpUsed));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
  });

  await step('create an API key, shown once, then revoke it', async () => {
    await nav(page, 'API keys').click();
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    await page.getByLabel('Key name').fill('CI pipeline');
    await page.getByLabel('Role', { exact: true }).selectOption('analyst');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const keyField = page.getByLabel('New API key');
    await keyField.waitFor();
    const key = await keyField.inputValue();
    assert.ok(key.length >= 16, 'the new key is shown');
    const row = page.getByRole('row').filter({ hasText: 'CI pipeline' });
    await row.waitFor();
    assert.ok((await row.innerText()).includes('Analyst'), 'key listed with its role');
    await shot(page, 'api-keys-created');
    await page.getByRole('button', { name: 'Done' }).click();
    await keyField.waitFor({ state: 'detached' });
    // Leaving and coming back: the key is not shown again.
    await nav(page, 'Directory').click();
    await page.getByRole('heading', { name: 'Directory', level: 1 }).waitFor();
    await nav(page, 'API keys').click();
    await row.waitFor();
    assert.ok(!(await page.content()).includes(key), 'the key is not shown a second time');
    await page.getByRole('button', { name: 'Revoke CI pipeline' }).click();
    await page.getByRole('button', { name: 'Confirm revoking CI pipeline' }).click();
    await row.getByText(/Revoked/).waitFor();
    await shot(page, 'api-keys');
  });

  await step('the new user must choose their own password at first login', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await logIn(page, NEW_USER.email, NEW_USER.password);
    await page.getByRole('heading', { name: 'Choose your own password' }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0, 'no navigation before the password is changed');
    await shot(page, 'first-login-password');
    const chosen = `${NEW_USER.password}-mine`;
    await page.getByLabel('Current password').fill(NEW_USER.password);
    await page.getByLabel('New password', { exact: true }).fill(chosen);
    await page.getByLabel('Repeat new password').fill(chosen);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Directory', level: 1 }).waitFor();
  });

  await step('new event: a pasted line that is not "type value" is refused before sending', async () => {
    await nav(page, 'Intelligence').click();
    await page.getByRole('heading', { name: 'Intelligence', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'New event' }).click();
    await page.getByRole('heading', { name: 'New event', level: 1 }).waitFor();
    await page.getByLabel('Info', { exact: true }).fill(EVENT.info);
    await page.getByLabel('TLP', { exact: true }).selectOption('AMBER');
    await page.getByLabel('PAP', { exact: true }).selectOption('GREEN');
    await page.getByLabel('Distribution', { exact: true }).selectOption('community');
    await page.getByLabel('Tags', { exact: true }).fill(EVENT.tag);
    await page.getByLabel('Indicators', { exact: true }).fill(`ip-dst 198.51.100.7\njust-one-word`);
    await page.getByRole('button', { name: 'Create event' }).click();
    const message = await fieldError(page, 'Indicators');
    assert.match(message, /line 2\b/i, `the client-side error names line 2: ${message}`);
  });

  await step('new event: a bad indicator value is reported with its line number', async () => {
    await page.getByLabel('Indicators', { exact: true }).fill(`ip-dst 198.51.100.7\nurl ${EVENT.url}\n${EVENT.badLine}`);
    await page.getByRole('button', { name: 'Create event' }).click();
    const message = await fieldError(page, 'Indicators');
    assert.match(message, /\bLine 3\b/, `the server error names line 3: ${message}`);
    assert.ok(message.includes('999.1.1.1'), `the error quotes the bad line: ${message}`);
    await page.getByRole('alert').waitFor();
    await shot(page, 'intel-new-event-error');
  });

  let eventUrl = '';
  await step('create the event and land on it: 3 indicators, TLP badge', async () => {
    await page.getByLabel('Indicators', { exact: true }).fill(`ip-dst 198.51.100.7\nurl ${EVENT.url}\n${EVENT.goodLine}`);
    await page.getByRole('button', { name: 'Create event' }).click();
    await page.getByRole('heading', { name: EVENT.info, level: 1 }).waitFor();
    eventUrl = page.url();
    assert.match(eventUrl, /#\/events\/[0-9a-f-]{36}$/, `on the event page (${eventUrl})`);
    const main = page.getByRole('main');
    await main.getByText('TLP:AMBER').first().waitFor();
    await main.getByText('PAP:GREEN').first().waitFor();
    const table = page.getByRole('table', { name: 'Indicators of this event' });
    await table.getByRole('row').nth(3).waitFor();
    assert.equal(await table.locator('tbody tr').count(), 3, 'three indicators listed');
    const text = await table.innerText();
    assert.ok(text.includes('http://evil.example/x'), `the defanged URL is stored refanged: ${text}`);
    assert.ok(text.includes('203.0.113.9'), 'the corrected IP is listed');
    await page.getByText(/Seen by \d+ teams? in \d+ countr/).waitFor();
    await page.getByText('Draft', { exact: true }).waitFor();
  });

  await step('publish the event', async () => {
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('status').filter({ hasText: 'The event is published.' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Publish' }).count(), 0, 'no second publish');
    await page.getByRole('button', { name: 'Delete' }).waitFor();
    await shot(page, 'intel-event');
  });

  await step('the event is listed in Intelligence', async () => {
    await nav(page, 'Intelligence').click();
    await page.getByRole('heading', { name: 'Intelligence', level: 1 }).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: EVENT.info }) });
    await row.waitFor();
    const rowText = await row.innerText();
    assert.ok(rowText.includes('TLP:AMBER'), `TLP shown: ${rowText}`);
    assert.ok(rowText.includes(ORG.name), 'owner team shown');
    assert.ok(rowText.includes('Published'), 'published shown');
    assert.match(rowText, /\b3\b/, 'indicator count shown');
    // Filtering by another TLP hides it; "published only" keeps it.
    await page.getByLabel('TLP', { exact: true }).selectOption('RED');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No events found.').waitFor();
    await page.getByLabel('TLP', { exact: true }).selectOption('');
    await page.getByLabel('Published only').check();
    await page.getByRole('button', { name: 'Filter' }).click();
    await row.waitFor();
    await shot(page, 'intel-events');
    await page.evaluate(() => document.documentElement.setAttribute('dir', 'rtl'));
    await shot(page, 'intel-events-rtl');
    await page.evaluate(() => document.documentElement.setAttribute('dir', 'ltr'));
  });

  await step('look up a defanged URL and an unknown value', async () => {
    await nav(page, 'Lookup').click();
    await page.getByRole('heading', { name: 'Lookup', level: 1 }).waitFor();
    await page.getByLabel('Values', { exact: true }).fill(`${EVENT.url}\n${EVENT.unknown}`);
    await page.getByRole('button', { name: 'Look up' }).click();
    const table = page.getByRole('table', { name: /Lookup results/ });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), 2, 'one row per value, in the order asked');
    const first = rows.nth(0);
    const second = rows.nth(1);
    assert.ok((await first.innerText()).includes(EVENT.url), 'the first row is the URL');
    assert.equal((await first.locator('td.num').innerText()).trim(), '1', 'the URL has one match');
    const link = first.getByRole('link', { name: EVENT.info });
    assert.equal(await link.count(), 1, 'the match links to the event');
    assert.equal(new URL(eventUrl).hash, await link.getAttribute('href'), 'the link goes to the event page');
    assert.ok((await first.innerText()).includes('TLP:AMBER'), 'the match shows its TLP');
    assert.ok((await second.innerText()).includes(EVENT.unknown), 'the second row is the unknown value');
    assert.equal((await second.locator('td.num').innerText()).trim(), '0', 'the unknown value has no match');
    await shot(page, 'intel-lookup');
    await link.click();
    await page.getByRole('heading', { name: EVENT.info, level: 1 }).waitFor();
  });

  await step('anyone reports an incident at /report, without an account, and follows it with the tracking code', async () => {
    const visitor = await browser!.newContext({ baseURL: node.url, viewport: { width: 1280, height: 900 } });
    const form = await visitor.newPage();
    form.on('pageerror', (err) => pageErrors.push(err.message));
    try {
      await form.goto('/report');
      await form.getByRole('heading', { name: 'Report a cyber security incident', level: 1 }).waitFor();
      await form.getByLabel('Your name', { exact: true }).fill('A citizen');
      await form.getByLabel('Your e-mail address', { exact: true }).fill('citizen@example.org');
      await form.getByLabel('What happened, in a few words', { exact: true }).fill('Fake bank page');
      await form.getByLabel('What kind of incident is it?', { exact: true }).selectOption('fraud');
      await form.getByLabel('Addresses involved', { exact: true }).fill('hxxp://999.1.1.1/login');
      await form.getByRole('button', { name: 'Send report' }).click();
      assert.match(await fieldError(form, 'Addresses involved'), /./, 'a bad address is named next to its field');
      await form.getByLabel('Addresses involved', { exact: true }).fill(`hxxp://bank-login[.]example/verify\n${ORG.prefix.replace('0/24', '44')}`);
      await form.getByRole('button', { name: 'Send report' }).click();
      await form.getByRole('heading', { name: 'Thank you: your report was received' }).waitFor();
      const receipt = await form.getByRole('status').first().innerText();
      assert.match(receipt, /reference is [A-Z]{2,8}-\d{4}-\d{5}/);
      assert.ok(receipt.includes(ORG.name), `routed to the team whose constituency holds the address: ${receipt}`);
      await shot(form, 'public-report-received');
      await form.getByRole('button', { name: 'Check status' }).click();
      await form.getByText(/: new \(received/).waitFor();
    } catch (err) {
      await shot(form, 'failure-public-report');
      throw err;
    } finally {
      await visitor.close();
    }
  });

  await step('no script errors in the page', async () => {
    assert.deepEqual(pageErrors, []);
  });
});
