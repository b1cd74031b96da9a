// Browser end-to-end tests against a running Greenlight (started by scripts/e2e.sh):
// sign in, see the pipeline, register a build through the API and find it in Builds, page
// through history; deploy to TEST and watch the steps; live fleet health (the badge and the
// instance rows follow a failing instance and a silent cloud without a reload, two tabs cost
// no more cloud calls than one); QA signs off, promote to STAGING
// through the gates, roll a second build back with one click; compare TEST with PROD and a
// deployment with the release before it, secrets never shown; a viewer sees no actions;
// a refused promotion lists its gates and a refused scale its reason; PROD (switched by hand)
// holds its new box with the address shown, is cancelled once and then switched; sign out. One
// screenshot per page lands in $ARTIFACTS.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';

// RFC 6238: the six-digit code of a base32 secret, `ahead` 30-second steps from now.
function totp(secret, ahead = 0) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000) + ahead));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0');
}

const base = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const user = process.env.E2E_USER ?? 'e2e';
const password = process.env.E2E_PASSWORD;
const token = process.env.E2E_TOKEN;
const qaPassword = process.env.E2E_QA_PASSWORD;
const viewerPassword = process.env.E2E_VIEWER_PASSWORD;
const viewerToken = process.env.E2E_VIEWER_TOKEN;
const artifacts = process.env.ARTIFACTS ?? 'end2end/artifacts';
mkdirSync(artifacts, { recursive: true });
assert.ok(password, 'E2E_PASSWORD must be set');
assert.ok(token, 'E2E_TOKEN must be set');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic',
  ],
  // launch() gives Chromium a fresh, throwaway profile directory of its own.
});

const results = [];
async function test(name, body) {
  const started = Date.now();
  try {
    await body();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}\n${error.stack ?? error}`);
  }
}

const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const errors = [];
page.on('pageerror', (error) => errors.push(error.message));
// A script the Content-Security-Policy refuses shows as a console error; any one fails the run.
const cspViolations = (p, who) => p.on('console', (message) => {
  if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
    errors.push(`${who}: ${message.text()}`);
  }
});
cspViolations(page, 'main page');
const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
const hydrated = (p = page) => p.waitForSelector('html[data-hydrated=true]');

// Waits for `p` to reach a URL matching `url`; when it does not, the failure says where the
// page is and what it shows instead (an error box, a form), not only that time ran out.
async function arrivesAt(p, url) {
  try {
    await p.waitForURL(url);
  } catch (error) {
    const shown = (await p.textContent('main').catch(() => null)) ?? (await p.textContent('body'));
    await p.screenshot({ path: join(artifacts, 'did-not-arrive.png'), fullPage: true });
    throw new Error(`still at ${p.url()} showing: ${shown.replace(/\s+/g, ' ').slice(0, 600)}`, { cause: error });
  }
}

// A page of its own (own cookies) signed in as `name`.
async function signedIn(name, secret) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await ctx.newPage();
  p.on('pageerror', (error) => errors.push(`${name}: ${error.message}`));
  cspViolations(p, name);
  await p.goto(`${base}/login`);
  await hydrated(p);
  await p.fill('input[name=name]', name);
  await p.fill('input[name=password]', secret);
  await p.click('button[type=submit]');
  await p.waitForURL(`${base}/`);
  return p;
}

async function registerBuild(v) {
  const response = await fetch(`${base}/api/v1/builds`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ version: v, revision: 'c0ffee1234567', artifact: { ami_id: 'ami-0123456789abcdef0' }, changes: [] }),
  });
  assert.equal(response.status, 201);
}

// Deploys `v` to TEST from its page and waits on the deployment page for `phase`.
async function deployToTest(v, phase) {
  await page.goto(`${base}/environments/test`);
  await hydrated();
  await page.selectOption('select[name=version]', v);
  await page.click('[data-testid=deploy]');
  await page.waitForURL(/\/deployments\/\d+$/);
  await page.waitForSelector(`article.deployment[data-phase=${phase}]`, { timeout: 30000 });
}

await test('an anonymous visitor is sent to the sign-in page', async () => {
  await page.goto(`${base}/`);
  assert.match(page.url(), /\/login\?next=/);
  await shot('login');
});

await test('a wrong password shows an error and keeps the visitor out', async () => {
  await page.goto(`${base}/login`);
  await hydrated();
  await page.fill('input[name=name]', user);
  await page.fill('input[name=password]', 'definitely-not-it');
  await page.click('button[type=submit]');
  await page.getByText('wrong name or password').waitFor();
});

await test('signing in shows the overview with three environments in order', async () => {
  await page.goto(`${base}/login`);
  await hydrated();
  await page.fill('input[name=name]', user);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/`);
  await page.getByTestId('user-name').waitFor();
  assert.equal(await page.getByTestId('user-name').textContent(), user);
  // The header and the overview load separately after the sign-in navigation.
  await page.locator('.env-card h2').first().waitFor();
  const titles = await page.locator('.env-card h2').allTextContents();
  assert.deepEqual(titles, ['TEST', 'STAGING', 'PROD']);
  await shot('overview');
});

// The patch never starts with 0, so that appending a digit (the second build) stays a version.
const version = `7.${Date.now() % 1000}.${1 + Math.floor(Math.random() * 999)}`;
await test('a build registered through the API appears in Builds and has its page', async () => {
  const response = await fetch(`${base}/api/v1/builds`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      version,
      revision: 'c0ffee1234567',
      artifact: { ami_id: 'ami-0123456789abcdef0' },
      changes: [{ revision: 'c0ffee1', summary: 'End-to-end change', author: 'e2e' }],
      ci_url: 'https://ci.example.com/e2e',
    }),
  });
  assert.equal(response.status, 201);
  await page.click('nav >> text=Builds');
  await page.waitForURL(`${base}/builds`);
  await page.locator(`a:text-is("${version}")`).first().waitFor();
  await shot('builds');
  await page.locator(`a:text-is("${version}")`).first().click();
  await page.waitForURL(`${base}/builds/${version}`);
  await page.getByText('End-to-end change').waitFor();
  await shot('build');
});

await test('history pages through older deployments and filters by environment', async () => {
  await page.goto(`${base}/history`);
  const firstIds = await page.locator('tr[data-deployment-id]').evaluateAll((rows) => rows.map((r) => r.dataset.deploymentId));
  assert.ok(firstIds.length > 0, 'history has rows');
  await shot('history');
  await page.click('a[rel=next]');
  await page.waitForURL(/cursor=/);
  await page.locator('tr[data-deployment-id]').first().waitFor();
  const nextIds = await page.locator('tr[data-deployment-id]').evaluateAll((rows) => rows.map((r) => r.dataset.deploymentId));
  assert.ok(nextIds.length > 0 && nextIds.every((id) => !firstIds.includes(id)), 'the next page holds other rows');
  await page.selectOption('select[name=environment]', 'prod');
  await page.click('form.filters button[type=submit]');
  await page.waitForURL(/environment=prod/);
  const envs = await page.locator('tr[data-deployment-id] td:nth-child(2)').allTextContents();
  assert.ok(envs.length > 0 && envs.every((e) => e === 'prod'), `only prod rows: ${envs}`);
});

await test('admins see users and tokens', async () => {
  await page.goto(`${base}/admin/users`);
  await page.locator(`table.users tr[data-user="${user}"]`).waitFor();
  await shot('admin-users');
  await page.goto(`${base}/admin/tokens`);
  await page.locator('table.tokens').waitFor();
  await shot('admin-tokens');
});

await test('an admin adds a person and resets their password; they must choose a new one first; disabled, they are out', async () => {
  await page.goto(`${base}/admin/users`);
  await hydrated();
  await page.fill('form.stacked input[name=name]', 'newbie');
  await page.selectOption('form.stacked select[name=kind]', 'person');
  await page.selectOption('form.stacked select[name=role]', 'viewer');
  await page.fill('form.stacked input[name=password]', 'newbie-initial-pass-1');
  await page.click('text=Add user');
  const row = page.locator('tr[data-user=newbie]');
  await row.waitFor();
  // By keyboard: focus the row's "Manage" and open it with Enter.
  await row.locator('summary').focus();
  await page.keyboard.press('Enter');
  await row.getByRole('button', { name: 'Reset password' }).click();
  const generated = (await page.getByTestId('new-password').textContent()).trim();
  assert.ok(generated.length >= 12, 'a generated password is shown once');
  await shot('admin-users-reset');

  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const newbie = await ctx.newPage();
  newbie.on('pageerror', (error) => errors.push(`newbie: ${error.message}`));
  await newbie.goto(`${base}/login`);
  await hydrated(newbie);
  await newbie.fill('input[name=name]', 'newbie');
  await newbie.fill('input[name=password]', generated);
  await newbie.click('button[type=submit]');
  await newbie.waitForURL(`${base}/account`);
  await newbie.getByTestId('must-change').waitFor();
  await newbie.goto(`${base}/history`);
  assert.equal(new URL(newbie.url()).pathname, '/account', 'every page leads to the account page first');
  await hydrated(newbie);
  await newbie.fill('input[name=current_password]', generated);
  await newbie.fill('input[name=new_password]', 'qwerty123456');
  await newbie.click('text=Change password');
  await newbie.locator('.field-error').filter({ hasText: 'common' }).waitFor();
  await newbie.fill('input[name=new_password]', 'violet-harbour-ledger');
  await newbie.click('text=Change password');
  await newbie.getByText('Password changed').waitFor();
  await newbie.setViewportSize({ width: 360, height: 800 });
  const overflow = await newbie.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the account page scrolls sideways by ${overflow}px`);
  await newbie.screenshot({ path: join(artifacts, 'account-narrow.png'), fullPage: true });
  await newbie.setViewportSize({ width: 1280, height: 900 });
  await newbie.goto(`${base}/history`);
  assert.equal(new URL(newbie.url()).pathname, '/history');

  // Two-factor: enrol from the account page with a code computed here, sign out, and sign
  // in again with the password and then a code.
  await newbie.goto(`${base}/account`);
  await hydrated(newbie);
  await newbie.fill('input[name=password]', 'violet-harbour-ledger');
  await newbie.click('text=Set up two-factor sign-in');
  const secret = (await newbie.getByTestId('totp-secret').textContent()).trim();
  assert.ok(await newbie.locator('.qr svg').count() === 1, 'the QR code is drawn');
  await newbie.fill('.totp-offer input[name=code]', totp(secret));
  await newbie.click('text=Turn on');
  await newbie.getByTestId('recovery-codes').waitFor();
  assert.equal(await newbie.locator('[data-testid=recovery-codes] li').count(), 10);
  await newbie.screenshot({ path: join(artifacts, 'account-two-factor.png'), fullPage: true });
  await newbie.click('text=Sign out');
  await newbie.waitForURL(/\/login/);
  await hydrated(newbie);
  // The sign-in form appears once the page has read the sign-in choices; typing while it
  // still settles lost the fields (seen 3 times in 8 runs: the form sat there empty).
  await newbie.waitForLoadState('networkidle');
  await newbie.fill('input[name=name]', 'newbie');
  await newbie.fill('input[name=password]', 'violet-harbour-ledger');
  assert.equal(await newbie.inputValue('input[name=name]'), 'newbie', 'the name is still typed in');
  await newbie.click('button[type=submit]');
  await arrivesAt(newbie, /step=code/);
  await newbie.fill('input[name=code]', totp(secret, 1));
  await newbie.click('text=Verify');
  await newbie.waitForURL(`${base}/`);

  await page.reload();
  await hydrated();
  await row.locator('summary').click();
  await row.getByRole('button', { name: 'Disable' }).click();
  await row.getByText('Disabled').waitFor();
  await newbie.goto(`${base}/`);
  assert.equal(new URL(newbie.url()).pathname, '/login', 'a disabled user is signed out at once');
  await ctx.close();
});

await test('a user makes a token of their own with chosen scopes and an expiry, and sees it listed', async () => {
  await page.goto(`${base}/account`);
  await hydrated();
  await page.fill('input[name=name]', 'laptop');
  await page.check('input[name=scope_deploy]');
  await page.fill('input[name=expires_in_days]', '30');
  await page.click('text=Create token');
  assert.match(await page.getByTestId('new-token').textContent(), /^glt_[0-9a-f]{64}$/);
  await page.locator('td.scopes').filter({ hasText: 'read deploy' }).first().waitFor();
  await shot('account');
});

await test('the layout holds at 360 px wide', async () => {
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto(`${base}/`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
  await shot('overview-narrow');
  await page.setViewportSize({ width: 1280, height: 900 });
});

await test('an engineer deploys a build to TEST and watches every step complete', async () => {
  await deployToTest(version, 'succeeded');
  const steps = await page.locator('ol.steps li').evaluateAll((items) => items.map((li) => li.dataset.step));
  assert.deepEqual(steps, ['pending', 'launching', 'awaiting_health', 'cutting_over', 'verifying', 'warm', 'retiring', 'succeeded']);
  await shot('deployment');
});

await test('the overview turns TEST healthy, in words, from the live stream without a reload', async () => {
  await page.goto(`${base}/`);
  await hydrated();
  await page.evaluate(() => { window.notReloaded = true; });
  const badge = page.locator('[data-environment=test] [data-testid=env-health]');
  await page.locator('[data-environment=test] [data-testid=env-health][data-health=healthy]').waitFor({ timeout: 15000 });
  assert.match(await badge.innerText(), /Healthy/);
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
  assert.equal(await page.locator('[data-environment=test] [data-testid=signoff-state]').getAttribute('data-state'), 'awaiting');
  await shot('overview-health');
});

// The poller's figures from /metrics: how many looks it took and how many instance reads it made.
async function cloudFigures() {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (series) => Number((text.split('\n').find((l) => l.startsWith(`${series} `)) ?? ' 0').split(' ').pop());
  return {
    looks: value('greenlight_fleet_refresh_seconds_count{result="ok"}') + value('greenlight_fleet_refresh_seconds_count{result="failed"}'),
    reads: value('greenlight_cloud_calls_total{operation="DescribeInstances"}'),
  };
}

async function sandbox(path, method, body) {
  const response = await fetch(`${base}/api/v1/sandbox/${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 204, `${method} ${path}: ${await response.text()}`);
}

await test('a failing instance turns its row and the badge within a refresh, without a reload, and back', async () => {
  await page.goto(`${base}/environments/test`);
  await hydrated();
  await page.evaluate(() => { window.notReloaded = true; });
  const row = page.getByTestId('instance-row').first();
  await row.waitFor();
  const instance = await row.getAttribute('data-instance');
  assert.equal(await row.getAttribute('data-healthy'), 'true');
  await shot('environment-fleet');
  await sandbox(`instances/${instance}/health`, 'POST', { healthy: false });
  await page.locator(`[data-testid=instance-row][data-instance=${instance}][data-healthy=false]`).waitFor({ timeout: 5000 });
  await page.locator('[data-testid=env-health][data-health=down]').waitFor({ timeout: 5000 });
  await page.locator(`[data-instance=${instance}]`).getByText('Target.Timeout').waitFor();
  await shot('environment-fleet-unhealthy');
  await sandbox(`instances/${instance}/health`, 'POST', { healthy: true });
  await page.locator('[data-testid=env-health][data-health=healthy]').waitFor({ timeout: 5000 });
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
});

await test('two open tabs cost the cloud no more calls than one: one read per look', async () => {
  const second = await context.newPage();
  second.on('pageerror', (error) => errors.push(`second tab: ${error.message}`));
  await second.goto(`${base}/environments/test`);
  await hydrated(second);
  await page.goto(`${base}/environments/test`);
  await hydrated();
  const before = await cloudFigures();
  await page.waitForTimeout(4000);
  const after = await cloudFigures();
  const looks = after.looks - before.looks;
  assert.ok(looks >= 2, `the poller kept looking (${looks})`);
  assert.equal(after.reads - before.reads, looks, 'one DescribeInstances per look, whatever the tabs');
  await second.close();
});

await test('the page says the health is stale when the cloud stops answering, and recovers by itself', async () => {
  await page.goto(`${base}/environments/test`);
  await hydrated();
  await sandbox('faults', 'PUT', { throttle_rate: 0, error_rate: 1 });
  try {
    await page.getByTestId('stale').getByText(/Last updated .* ago — the cloud is not answering/).waitFor({ timeout: 10000 });
    await page.locator('[data-testid=env-health][data-health=unknown]').waitFor();
    await shot('environment-stale');
  } finally {
    await sandbox('faults', 'PUT', { throttle_rate: 0, error_rate: 0 });
  }
  await page.locator('[data-testid=env-health][data-health=healthy]').waitFor({ timeout: 10000 });
  assert.equal(await page.getByTestId('stale').count(), 0);
});

await test('the environment page charts the last hour, says a hovered point\'s values, steps through values by keyboard and switches range', async () => {
  await page.goto(`${base}/environments/test`);
  await hydrated();
  const chart = page.locator('[data-testid=chart][data-metric=requests]');
  // A fleet launched a minute ago has one point: its dot shows, its line has no length.
  await chart.locator('circle.dot').first().waitFor({ state: 'attached', timeout: 10000 });
  // Hovering a point says its moment's values below the chart.
  await chart.locator('circle.dot').first().hover({ force: true });
  await chart.locator('.readout').getByText(/\d\d:\d\d — requests \d/).waitFor();
  await page.mouse.move(0, 0);
  await chart.locator('svg').focus();
  await page.keyboard.press('End');
  await chart.locator('.readout').getByText(/\d\d:\d\d — requests \d/).waitFor();
  await page.keyboard.press('ArrowLeft');
  await shot('environment-charts');
  await page.click('[data-range="6h"]');
  await page.waitForURL(/range=6h/);
  await page.locator('[data-range="6h"][aria-current=true]').waitFor();
  await page.locator('[data-testid=chart][data-metric=cpu] circle.dot').first().waitFor({ state: 'attached' });
});

await test('the environment page holds at 360 px wide', async () => {
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto(`${base}/environments/test`);
  await hydrated();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the environment page scrolls sideways by ${overflow}px`);
  await shot('environment-narrow');
  await page.setViewportSize({ width: 1280, height: 900 });
});

// What a new visitor's browser fetches to show and hydrate the page, compressed as served:
// the page, the stylesheet, the scripts, the main wasm and the page's wasm chunks. Live fleet
// health had to stay under the 407 kB the whole application weighed before it (395.6 kB);
// environment diffs (the promotion's "what changes", the sign-off's fingerprint and changes,
// config drift, and a Compare page whose shared code wasm-split cuts into more chunks) took it
// to 411.7 kB. Accounts (the account page, the users page's lifecycle forms, token scopes and
// two-factor sign-in) took it to 429.2 kB: components the account and tokens pages share are
// hoisted by wasm-split into the main module every page loads. Single sign-on (the sign-in
// page's choices) took it to 432.8 kB, change control (the freeze and lock section, the
// override field, the records they read) to 451.6 kB — first 463.1 kB, until the freeze record
// lost serde's tagged and flattened parts and four server functions became one. The
// notifications admin page (its own lazy route) took it to 456.0 kB, manual cutover and
// cancel (the deployment page's hold section and server function, the hold in the deployment
// record deploy actions return) to 460.6 kB, the schema-downgrade confirmation (a checkbox
// shown from a refusal's gates, two more action fields) to 465.3–465.6 kB, hooks (the runs in
// the deployment record and the deployment page's list) and the warm window's Extend control
// (its server function, the countdown's warning, the scale form's note) to 471.8 kB. Held at
// Held there until issue 14 (at most 150 kB a page) restructures the split: a debt carried,
// not a goal. Every page now has a budget of its own: what it weighs today plus about 2 kB
// (its own HTML varies a few hundred bytes per run), so no page grows unnoticed; the goal,
// 150 kB, is printed beside each.
const FIRST_LOAD_GOAL = 150_000;
const FIRST_LOAD_BUDGET = {
  '/': 312_000, '/builds': 277_000, '/builds/{build}': 296_000, '/history': 295_000,
  '/compare': 302_500, '/environments/prod': 473_500, '/deployments/{id}': 356_000,
  '/account': 341_000, '/admin/users': 310_500, '/admin/tokens': 304_500,
  '/admin/audit': 289_000, '/admin/notifications': 283_500, '/login': 271_000,
};

// What a new visitor's browser fetches for `path` until the page is hydrated, compressed as
// served, in a fresh context (signed in with this session's cookies unless `anonymous`).
async function firstLoad(path, { anonymous = false } = {}) {
  const fresh = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  if (!anonymous) await fresh.addCookies(await context.cookies());
  const p = await fresh.newPage();
  await p.goto(`${base}${path}`);
  await hydrated(p);
  const loaded = await p.evaluate(() => [
    ...performance.getEntriesByType('navigation'),
    ...performance.getEntriesByType('resource').filter((r) => new URL(r.name).pathname.startsWith('/pkg/')),
  ].map((r) => ({ name: new URL(r.name).pathname, bytes: r.encodedBodySize })));
  await fresh.close();
  return { loaded, total: loaded.reduce((sum, r) => sum + r.bytes, 0) };
}

await test('every page first loads within its budget, its wasm chunks included', async () => {
  const latest = await (await page.request.get(`${base}/api/v1/deployments?limit=1`)).json();
  const { id, build_version: build } = latest.items[0];
  const over = [];
  for (const [pattern, budget] of Object.entries(FIRST_LOAD_BUDGET)) {
    const path = pattern.replace('{id}', id).replace('{build}', build);
    const { loaded, total } = await firstLoad(path, { anonymous: path === '/login' });
    console.log(`     ${pattern.padEnd(22)} ${(total / 1000).toFixed(1).padStart(6)} kB in ${String(loaded.length).padStart(3)} files (budget ${(budget / 1000).toFixed(1)}, goal ${FIRST_LOAD_GOAL / 1000})`);
    assert.ok(loaded.some((r) => r.name.endsWith('.wasm') && r.bytes > 0), `${path}: the wasm was fetched and counted`);
    if (total > budget) over.push(`${pattern} ${total} bytes > ${budget}`);
  }
  assert.deepEqual(over, [], 'pages over their first-load budget');
});

// Time to hydrated as someone on a slow mobile connection sees it: Chromium's network
// throttled through the DevTools protocol to 1.6 Mbit/s down, 750 kbit/s up, 150 ms round
// trips, an empty cache. Reported, not asserted (a timing on a busy machine is no test); the
// goal is 2 s.
await test('time to hydrated on a slow mobile connection is measured for the overview and the environment page', async () => {
  for (const path of ['/', '/environments/prod']) {
    const fresh = await browser.newContext({ viewport: { width: 360, height: 740 } });
    await fresh.addCookies(await context.cookies());
    const p = await fresh.newPage();
    const cdp = await fresh.newCDPSession(p);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8,
    });
    await p.goto(`${base}${path}`, { timeout: 60_000 });
    await p.waitForSelector('html[data-hydrated=true]', { timeout: 60_000 });
    const [ms, bytes] = await p.evaluate(() => [
      performance.now(),
      [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
        .reduce((sum, r) => sum + r.encodedBodySize, 0),
    ]);
    console.log(`     ${path}: hydrated after ${(ms / 1000).toFixed(2)} s at 1.6 Mbit/s, 150 ms RTT, ${(bytes / 1000).toFixed(1)} kB (goal 2 s)`);
    // At 200 kB/s those bytes cannot arrive sooner: the throttling applied.
    assert.ok(ms >= bytes / 200, `hydrated after ${ms} ms with ${bytes} bytes fetched`);
    await fresh.close();
  }
});

// A page names its own wasm chunks in its head, so they load beside the main module and not
// after it has started: on every request (the environment page five times over), and for every
// page (the server's path-to-page table matches the build's chunk names).
await test('every page names its own wasm chunks for preloading, on every request', async () => {
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const html = async (path) => (await fetch(`${base}${path}`, { headers: { cookie } })).text();
  for (let i = 0; i < 5; i += 1) {
    assert.match(await html('/environments/prod'), /<link[^>]*rel="preload"[^>]*href="\/pkg\/split___environment_route_view_/, `request ${i + 1}`);
  }
  // Every page names its own chunk (the server's path-to-page table matches the build's).
  const build = (await html('/builds')).match(/href="(\/builds\/[^"?]+)"/)[1];
  for (const [path, view] of [
    ['/', 'overview'], ['/builds', 'builds'], [build, 'build_detail'], ['/history', 'history'],
    ['/environments/test', 'environment'], ['/deployments/1', 'deployment'], ['/login', 'login'],
    ['/admin/users', 'admin_users'], ['/admin/tokens', 'admin_tokens'], ['/admin/audit', 'admin_audit'],
    ['/admin/notifications', 'admin_notifications'],
    ['/compare', 'compare'], ['/account', 'account'],
  ]) {
    assert.match(await html(path), new RegExp(`<link[^>]*rel="preload"[^>]*href="/pkg/split___${view}_route_view_`), path);
  }
});

await test('QA reads the fingerprint and what promoting changes in STAGING, signs off, and sees no deploy actions', async () => {
  const qa = await signedIn('quinn', qaPassword);
  await qa.goto(`${base}/environments/test`);
  await hydrated(qa);
  assert.equal(await qa.locator('[data-testid=deploy]').count(), 0);
  const signing = await qa.getByTestId('signoff-diff').textContent();
  const fingerprint = signing.match(/signs fingerprint ([0-9a-f]{12}) /)?.[1];
  assert.ok(fingerprint, `the fingerprint to be signed is shown: ${signing}`);
  assert.match(signing, new RegExp(`change in STAGING:[\\s\\S]*\\n +version: \\S+ → ${version.replaceAll('.', '\\.')}`));
  await qa.selectOption('select[name=verdict]', 'approved');
  await qa.fill('textarea[name=notes]', 'e2e regression green');
  await qa.click('text=Record sign-off');
  await qa.getByTestId('signoff').filter({ hasText: 'approved by quinn' }).waitFor();
  assert.match(await qa.getByTestId('signoff-basis').textContent(), new RegExp(`Signed fingerprint ${fingerprint}`));
  await qa.screenshot({ path: join(artifacts, 'environment-signoff.png'), fullPage: true });
  await qa.context().close();
});

await test('an engineer promotes to STAGING after reading what changes and the gates', async () => {
  await page.goto(`${base}/environments/staging`);
  await hydrated();
  await page.click('[data-testid=promote]');
  await page.locator('dl.promotion').getByText(version).waitFor();
  assert.equal(await page.locator('.gates li[data-passed=false]').count(), 0, 'every gate passes');
  assert.match(await page.getByTestId('promotion-diff').textContent(), new RegExp(`version: \\S+ → ${version.replaceAll('.', '\\.')}`));
  await shot('promotion-confirm');
  await page.click('[data-testid=confirm-promote]');
  await page.waitForURL(/\/deployments\/\d+$/);
  await page.waitForSelector('article.deployment[data-phase=succeeded]', { timeout: 30000 });
  // STAGING's acceptance hook (a command) ran against the new fleet before the switch.
  const smoke = page.locator('[data-testid=hooks] li[data-hook=smoke][data-status=passed]');
  await smoke.waitFor();
  assert.match(await smoke.textContent(), /before the switch.*passed.*3 checks green/s);
  await page.locator('li[data-step=awaiting_health]').getByText('Acceptance hook smoke passed: exit 0: 3 checks green').waitFor();
  await smoke.locator('summary').click();
  assert.match(await smoke.locator('pre').textContent(), /checking \d+\.\d+\.\d+\.\d+ \d+\.\d+\.\d+\.\d+\n3 checks green/);
  await shot('deployment-hooks');
  await page.setViewportSize({ width: 360, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the deployment with its hooks scrolls sideways by ${overflow}px`);
  await shot('deployment-hooks-narrow');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${base}/environments/staging`);
  assert.equal(await page.getByTestId('release').locator('a').first().textContent(), version);
});

await test('a second build on TEST is rolled back with one click while the old fleet is warm', async () => {
  const second = `${version}1`;
  await registerBuild(second);
  await deployToTest(second, 'warm');
  const deployment = page.url();
  // TEST keeps its old fleet warm for 10 minutes: the countdown warns from the start.
  await page.getByTestId('countdown').filter({ hasText: /left — closes soon/ }).waitFor();
  await shot('deployment-warm');
  await page.goto(`${base}/environments/test`);
  await hydrated();
  assert.match(await page.getByTestId('scale-ends-warm').textContent(), /Scaling now ends the warm window: the old fleet \(i-/);
  await page.selectOption('[data-testid=extend-by]', '30m');
  await page.click('[data-testid=extend-warm]');
  await page.locator('.warm [data-testid=countdown]').filter({ hasText: /^(3\d|40)m \d+s left$/ }).waitFor();
  await shot('environment-warm-extended');
  await page.goto(deployment);
  await hydrated();
  await page.locator('li[data-step=warm]').getByText('Warm window extended by 30m by e2e').waitFor();
  await page.click('[data-testid=rollback]');
  await page.waitForSelector('article.deployment[data-phase=rolled_back]', { timeout: 30000 });
  await page.locator('li[data-step=rolling_back]').getByText('Rollback requested by e2e').waitFor();
  await page.goto(`${base}/environments/test`);
  assert.equal(await page.getByTestId('release').locator('a').first().textContent(), version);
});

// What the sandbox gives the config's SSM parameters: never on a page or in an API answer.
const secretValue = 'sandbox value';

await test('compare shows TEST against PROD, changed config highlighted and secrets masked, at desktop and 360 px', async () => {
  await page.goto(`${base}/compare?from=test&to=prod`);
  await hydrated();
  await page.locator('table.diff tr.diff-changed[data-key=LOG_LEVEL]').waitFor();
  const apiKey = await page.locator('tr[data-key=API_KEY]').first().textContent();
  assert.match(apiKey, /secret ssm:\/app\/test\/api_key/);
  assert.match(apiKey, /different secret/);
  assert.match(await page.locator('tr[data-key=running_instances]').first().textContent(), /\d+ \(\d+ healthy/);
  assert.ok(!(await page.content()).includes(secretValue), 'no secret value in the page');
  await shot('compare');
  await page.setViewportSize({ width: 360, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the compare page scrolls sideways by ${overflow} px at 360 px`);
  await shot('compare-360');
  await page.setViewportSize({ width: 1280, height: 900 });
  const text = await (await fetch(`${base}/api/v1/diff?from=test&to=prod&format=text`, {
    headers: { authorization: `Bearer ${token}` },
  })).text();
  assert.match(text, /~ LOG_LEVEL: debug → warn/);
});

await test('a history row and a deployment opened from history show what it changed, and history names the approver', async () => {
  await page.goto(`${base}/history?environment=test`);
  await hydrated();
  await page.locator('tr', { hasText: `${version}1` }).first().locator('a[href^="/deployments/"]').click();
  await page.waitForURL(/\/deployments\/\d+$/);
  await hydrated();
  await page.click('[data-testid=what-changed]');
  await page.waitForURL(/\/compare\?from=\d+&to=\d+$/);
  await page.locator('tr.diff-changed[data-key=version]').waitFor();
  await shot('compare-release');
  await page.goto(`${base}/history?environment=test`);
  await hydrated();
  await page.locator('tr', { hasText: `${version}1` }).first().getByTestId('row-what-changed').click();
  await page.waitForURL(/\/compare\?to=\d+$/);
  await page.locator('tr.diff-changed[data-key=version]').waitFor();
  assert.match(await page.getByTestId('compare-sides').textContent(), /deployment #\d+ .* → deployment #\d+/);
  const offered = await page.locator('#compare-sides option').evaluateAll((options) => options.map((o) => o.textContent));
  assert.ok(offered.some((label) => /^#\d+ · TEST · /.test(label)), `recent deployments are offered as sides: ${offered}`);
  await page.goto(`${base}/history?environment=staging`);
  await hydrated();
  const promotion = page.locator('tr', { has: page.locator(`a[href="/builds/${version}"]`) }).first();
  assert.match(await promotion.getByTestId('approved-by').textContent(), /quinn/);
  assert.match(await promotion.getByTestId('approved-by').textContent(), /e2e regression green/);
});

await test('no API answer the pages read carries a secret value', async () => {
  for (const path of [
    '/api/v1/diff', '/api/v1/diff?from=staging&to=test', `/api/v1/builds/${version}/signoffs`,
    '/api/v1/environments', '/api/v1/environments/staging/promotion', '/api/v1/deployments',
  ]) {
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200, path);
    assert.ok(!(await response.text()).includes(secretValue), `${path} carries a secret value`);
  }
});

await test('a viewer sees no action buttons and the API refuses them', async () => {
  const viewer = await signedIn('vic', viewerPassword);
  await viewer.goto(`${base}/environments/staging`);
  await hydrated(viewer);
  await viewer.locator('ul.gates').waitFor();
  for (const button of ['[data-testid=promote]', '[data-testid=deploy]', '[data-testid=env-rollback]', 'text=Record sign-off']) {
    assert.equal(await viewer.locator(button).count(), 0, `viewer sees ${button}`);
  }
  const response = await fetch(`${base}/api/v1/environments/staging/promote`, {
    method: 'POST', headers: { authorization: `Bearer ${viewerToken}` },
  });
  assert.equal(response.status, 403);
  await viewer.context().close();
});

await test('an engineer freezes STAGING with a reason, the promotion dialog refuses with it, the lock is taken and released, and the freeze lifted', async () => {
  await page.goto(`${base}/environments/staging`);
  await hydrated();
  await page.click('[data-testid=change-control]');
  await page.fill('.change-control input[name=reason] >> nth=0', 'e2e incident 42');
  await page.click('[data-testid=freeze]');
  await page.locator('[data-testid=frozen]').getByText('e2e incident 42').waitFor();
  assert.match(await page.textContent('[data-testid=frozen]'), /frozen by e2e/);
  await page.click('[data-testid=promote]');
  await page.locator('.gate-failed', { hasText: 'frozen: e2e incident 42 (frozen by e2e)' }).waitFor();
  await shot('environment-frozen');
  await page.fill('.change-control input[name=reason]', 'investigating the incident');
  await page.click('[data-testid=take-lock]');
  await page.locator('[data-testid=locked]').getByText('Locked by e2e: investigating the incident').waitFor();
  await page.setViewportSize({ width: 360, height: 800 });
  await shot('environment-frozen-narrow');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scroll at 360 px');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.click('[data-testid=unlock]');
  await page.locator('[data-testid=take-lock]').waitFor();
  await page.click('[data-testid=lift-freeze]');
  await page.locator('[data-testid=change-control]').waitFor();
  assert.equal(await page.locator('[data-testid=frozen]').count(), 0);
});

await test('a refused promotion lists its failed gates in the dialog and a refused scale gives its reason once, beside the field', async () => {
  await page.goto(`${base}/environments/prod`);
  await hydrated();
  await page.click('[data-testid=promote]');
  const confirm = page.locator('[data-testid=confirm-promote]');
  assert.ok(await confirm.isDisabled(), 'failing gates disable the button');
  // Gates can change between reading the dialog and clicking; the server judges again.
  await confirm.evaluate((button) => { button.disabled = false; });
  await confirm.click();
  const refused = page.getByTestId('refused-gates');
  await refused.waitFor();
  assert.ok((await refused.locator('li.gate-failed').count()) > 0, 'the failed gates are listed');
  assert.match(await refused.textContent(), /sign-off/);
  await shot('promotion-refused');
  await page.setViewportSize({ width: 360, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
  await shot('promotion-refused-narrow');
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.goto(`${base}/environments/staging`);
  await hydrated();
  await page.fill('input[name=desired]', '2');
  await page.click('button:has-text("Scale")');
  await page.locator('.field-error[data-field=desired]').getByText('already runs 2 instances').waitFor();
  assert.equal(await page.getByText('already runs 2 instances').count(), 1, 'the reason is shown once, beside its field');
  await shot('scale-refused');
});

await test('an admin reads the engine\'s cloud changes in the audit log and sees the chain intact', async () => {
  await page.goto(`${base}/admin/audit`);
  await page.getByTestId('audit-chain').getByText('intact:').waitFor();
  await page.fill('input[name=actor]', 'engine');
  await page.fill('input[name=action]', 'cloud.');
  await page.click('form.filters button[type=submit]');
  await page.waitForURL(/actor=engine/);
  const actions = await page.locator('table.audit tbody td:nth-child(4)').allTextContents();
  assert.ok(actions.includes('cloud.launch') && actions.includes('cloud.traffic_switch'), `engine actions: ${actions}`);
  assert.ok(actions.every((a) => a.startsWith('cloud.')), `only cloud actions: ${actions}`);
  await shot('admin-audit');
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto(`${base}/admin/audit?actor=engine`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the audit page scrolls sideways by ${overflow}px`);
  await shot('admin-audit-narrow');
  await page.setViewportSize({ width: 1280, height: 900 });
});

await test('an admin sends the release mail a test message and the delivery log shows it sent', async () => {
  await page.goto(`${base}/admin/notifications`);
  await hydrated();
  await page.getByRole('button', { name: 'Send a test message to release-mail' }).click();
  await page.getByTestId('test-queued').waitFor();
  // The worker sends it through the SMTP server on loopback; the log says so once it has.
  const row = page.locator('[data-testid=deliveries] tbody tr').filter({ hasText: 'notification.test' }).first();
  let status = null;
  for (let i = 0; i < 50 && status !== 'sent'; i++) {
    await page.goto(`${base}/admin/notifications`);
    status = await row.getAttribute('data-status').catch(() => null);
    if (status !== 'sent') await page.waitForTimeout(200);
  }
  assert.equal(status, 'sent', await page.locator('main').textContent());
  assert.match(await row.textContent(), /release-mail[\s\S]*Sent[\s\S]*Test message from Greenlight to release-mail, sent by e2e/);
  const mail = readFileSync(join(process.env.E2E_MAIL_DIR, 'messages.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const test = mail.find((m) => m.data.includes('Test message from Greenlight to release-mail'));
  assert.ok(test, `the SMTP server received it: ${mail.length} message(s)`);
  assert.deepEqual(test.to, ['release@example.com']);
  assert.equal(test.login, 'greenlight');
  await shot('admin-notifications');
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto(`${base}/admin/notifications`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the notifications page scrolls sideways by ${overflow}px`);
  await shot('admin-notifications-narrow');
  await page.setViewportSize({ width: 1280, height: 900 });
});

async function promoteProdUntilHeld() {
  await page.goto(`${base}/environments/prod`);
  await hydrated();
  await page.click('[data-testid=promote]');
  await page.locator('dl.promotion').getByText(version).waitFor();
  await page.click('[data-testid=confirm-promote]');
  await page.waitForURL(/\/deployments\/\d+$/);
  await page.waitForSelector('article.deployment[data-phase=ready_to_switch]', { timeout: 30000 });
  await hydrated();
}

await test('PROD holds the healthy new box with its address until a click: cancelled once, then switched', async () => {
  const qa = await signedIn('quinn', qaPassword);
  await qa.goto(`${base}/environments/staging`);
  await hydrated(qa);
  await qa.selectOption('select[name=verdict]', 'approved');
  await qa.fill('textarea[name=notes]', 'staging acceptance green');
  await qa.click('text=Record sign-off');
  await qa.getByTestId('signoff').filter({ hasText: 'approved by quinn' }).waitFor();
  await qa.context().close();

  await promoteProdUntilHeld();
  const addresses = await page.locator('[data-testid=hold-addresses] li code').allTextContents();
  assert.ok(addresses.length === 1 && addresses.every((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a)), `the new box's address: ${addresses}`);
  assert.match(await page.getByTestId('hold').textContent(), /Traffic stays on the old fleet until someone switches/);
  await shot('deployment-held');
  await page.setViewportSize({ width: 360, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the held deployment scrolls sideways by ${overflow}px`);
  await shot('deployment-held-narrow');
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.fill('[data-testid=cancel-reason]', 'wrong config spotted while testing');
  await page.click('[data-testid=cancel]');
  await page.waitForSelector('article.deployment[data-phase=rolled_back]', { timeout: 30000 });
  await page.getByTestId('cancelled-by').getByText('Cancelled by e2e').waitFor();
  await page.locator('li[data-step=rolling_back]').getByText('Cancelled by e2e before the switch: wrong config spotted while testing').waitFor();
  await shot('deployment-cancelled');

  await promoteProdUntilHeld();
  await page.click('[data-testid=switch]');
  await page.waitForSelector('article.deployment[data-phase=warm], article.deployment[data-phase=succeeded]', { timeout: 30000 });
  await page.locator('li[data-step=cutting_over]').getByText('Switch to the new fleet requested by e2e').waitFor();
  await page.goto(`${base}/environments/prod`);
  assert.equal(await page.getByTestId('release').locator('a').first().textContent(), version);
});

await test('a release manager signs in through the identity provider, lands where they were going as an engineer, and signs out of both', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await ctx.newPage();
  p.on('pageerror', (error) => errors.push(`sso: ${error.message}`));
  cspViolations(p, 'sso');
  await p.goto(`${base}/history`);
  assert.match(p.url(), /\/login\?next=/);
  await hydrated(p);
  await p.screenshot({ path: join(artifacts, 'login-sso.png'), fullPage: true });
  await p.click('text=Sign in with Test provider');
  await p.waitForURL(/^http:\/\/localhost:\d+\/interaction\//);
  await p.fill('input[name=login]', 'rita');
  await p.click('text=Sign in at provider');
  await p.waitForURL(`${base}/history`);
  await hydrated(p);
  assert.equal(await p.textContent('[data-testid=user-name]'), 'rita');
  assert.equal(await p.textContent('.user-menu .role'), 'engineer');
  await p.goto(`${base}/account`);
  await hydrated(p);
  await p.getByTestId('single-sign-on').waitFor();
  assert.equal(await p.locator('text=Change your password').count(), 0);
  await p.click('text=Sign out');
  await p.waitForURL(/\/login\?signed_out=sso/);
  await hydrated(p);
  const end = await p.getAttribute('[data-testid=provider-sign-out]', 'href');
  assert.match(end, /^http:\/\/localhost:\d+\/session\/end\?.*client_id=greenlight/);
  await p.setViewportSize({ width: 360, height: 800 });
  await p.screenshot({ path: join(artifacts, 'login-signed-out-narrow.png'), fullPage: true });
  assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scroll at 360 px');
  await p.goto(`${base}/history`);
  assert.match(p.url(), /\/login\?next=/);
  await ctx.close();
});

await test('someone in no group mapped to a role is told why on the sign-in page and stays out', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await ctx.newPage();
  await p.goto(`${base}/login`);
  await hydrated(p);
  await p.click('text=Sign in with Test provider');
  await p.waitForURL(/\/interaction\//);
  await p.fill('input[name=login]', 'nobody');
  await p.click('text=Sign in at provider');
  await p.waitForURL(`${base}/login?sso=no-role`);
  await p.getByText('none of your groups gives you a role in Greenlight').waitFor();
  await p.screenshot({ path: join(artifacts, 'login-sso-refused.png'), fullPage: true });
  await p.goto(`${base}/`);
  assert.match(p.url(), /\/login\?next=/);
  await ctx.close();
});

await test('signing out returns to the sign-in page and closes the pages', async () => {
  await page.goto(`${base}/`);
  await hydrated();
  await page.click('text=Sign out');
  await page.waitForURL(/\/login/);
  await page.goto(`${base}/history`);
  assert.match(page.url(), /\/login\?next=%2Fhistory|\/login\?next=\/history/);
});

await test('the page policy refuses an inline script without the nonce, and the run would see it', async () => {
  await page.goto(`${base}/`);
  await hydrated();
  const before = errors.length;
  await page.addScriptTag({ content: 'window.injected = true;' }).catch(() => {});
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.injected === true), false, 'the inline script ran');
  const seen = errors.splice(before);
  assert.ok(seen.some((e) => /Content Security Policy/i.test(e)), `violation reported: ${seen}`);
});

await test('hydration raised no errors and no Content-Security-Policy violation in the browser', async () => {
  assert.deepEqual(errors, []);
});

await browser.close();
const failed = results.filter((r) => !r.ok);
console.log(`\n${results.length - failed.length} passed, ${failed.length} failed; screenshots in ${artifacts}`);
process.exit(failed.length ? 1 : 0);
