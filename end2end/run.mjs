// Browser end-to-end tests against a running Greenlight (started by scripts/e2e.sh):
// sign in, see the pipeline, register a build through the API and find it in Builds, page
// through history, sign out. One screenshot per page lands in $ARTIFACTS.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const base = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const user = process.env.E2E_USER ?? 'e2e';
const password = process.env.E2E_PASSWORD;
const token = process.env.E2E_TOKEN;
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
const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
const hydrated = () => page.waitForSelector('html[data-hydrated=true]');

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
  const titles = await page.locator('.env-card h2').allTextContents();
  assert.deepEqual(titles, ['TEST', 'STAGING', 'PROD']);
  await shot('overview');
});

const version = `7.${Date.now() % 1000}.${Math.floor(Math.random() * 1000)}`;
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
  await page.locator('table.users').getByText(user, { exact: true }).waitFor();
  await shot('admin-users');
  await page.goto(`${base}/admin/tokens`);
  await page.locator('table.tokens').waitFor();
  await shot('admin-tokens');
});

await test('the layout holds at 360 px wide', async () => {
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto(`${base}/`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
  await shot('overview-narrow');
  await page.setViewportSize({ width: 1280, height: 900 });
});

await test('signing out returns to the sign-in page and closes the pages', async () => {
  await page.goto(`${base}/`);
  await hydrated();
  await page.click('text=Sign out');
  await page.waitForURL(/\/login/);
  await page.goto(`${base}/history`);
  assert.match(page.url(), /\/login\?next=%2Fhistory|\/login\?next=\/history/);
});

await test('hydration raised no errors in the browser', async () => {
  assert.deepEqual(errors, []);
});

await browser.close();
const failed = results.filter((r) => !r.ok);
console.log(`\n${results.length - failed.length} passed, ${failed.length} failed; screenshots in ${artifacts}`);
process.exit(failed.length ? 1 : 0);
