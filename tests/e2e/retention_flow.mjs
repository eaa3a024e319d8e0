// Retention (issue #13) in Chromium (playwright-core), against the server that
// test_retention_browser.py starts: a records officer creates a file, puts two documents
// into it, adds a 開示請求 hold and sees the effective expiry move, exports the register as
// XLSX (the Python side opens it with openpyxl); a member of staff of another department
// cannot see the file. Every step prints one JSON line {"step", "ok", "error"}; figures
// print as {"note"}.
// Usage: node retention_flow.mjs '<json config>'   (run with cwd = frontend/)
import { createRequire } from 'node:module';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(join(process.cwd(), 'package.json'));
const { chromium } = require('playwright-core');

const config = JSON.parse(process.argv[2]);
const base = config.baseUrl;
const shots = config.screenshots;
mkdirSync(shots, { recursive: true });
const results = [];
const emit = (entry) => console.log(JSON.stringify(entry));
const note = (name, value) => emit({ note: name, value });
function expect(condition, message) {
  if (!condition) throw new Error(message);
}

let page;
let currentStep = 'start';
async function step(name, fn) {
  const started = Date.now();
  currentStep = name;
  try {
    await fn();
    results.push({ step: name, ok: true });
    emit({ step: name, ok: true, ms: Date.now() - started });
  } catch (error) {
    const message = String(error?.message ?? error).split('\n').slice(0, 6).join('\n');
    results.push({ step: name, ok: false });
    emit({ step: name, ok: false, error: message, ms: Date.now() - started });
    try {
      await page?.screenshot({ path: join(shots, `FAILED-retention-${name.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true });
    } catch {
      /* the page may be gone */
    }
  }
}
const shot = (name, fullPage = true) => page.screenshot({ path: join(shots, `retention-${name}.png`), fullPage });

rmSync(config.profileDir, { recursive: true, force: true });
const context = await chromium.launchPersistentContext(config.profileDir, {
  executablePath: config.chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--lang=ja-JP'],
  env: { ...process.env, LANG: 'ja_JP.UTF-8', LANGUAGE: 'ja' },
  viewport: { width: 1280, height: 900 },
  locale: 'ja-JP',
  timezoneId: 'Asia/Tokyo',
  acceptDownloads: true,
});
const pageErrors = [];
page = context.pages()[0] ?? (await context.newPage());
page.on('pageerror', (error) => pageErrors.push(`${currentStep}: ${error}`));

async function login(username) {
  await context.clearCookies();
  await page.goto(base + '/');
  await page.getByLabel(/ユーザー名|User name/).fill(username);
  await page.getByLabel(/パスワード|Password/).fill(config.password);
  await page.getByRole('button', { name: /^(ログイン|Sign in)$/ }).click();
  await page.getByRole('heading', { name: /文書検索|Search documents/ }).waitFor();
}

const expiry = () => page.getByTestId('file-effective-expiry').getAttribute('data-iso');
const TITLE = '令和7年度 公用車保守点検委託';
const EXPIRED = '平成31年度 旧庁舎管理';
let fileId = null;

await step('the records officer finds the retention pages in the header (dashboard renders)', async () => {
  await login(config.officer);
  await page.getByTestId('nav-retention').click();
  await page.getByRole('heading', { name: '保存管理の状況' }).waitFor({ timeout: 15000 });
  await page.getByTestId('rt-queue').waitFor({ timeout: 15000 });
  await shot('01-dashboard');
});

await step('the officer creates a file (1年, 令和7年度) from the register: 満了日 2027-03-31', async () => {
  await page.goto(`${base}/retention/register`);
  const form = page.getByTestId('new-file-form');
  await form.locator('select[name="retention_class"] option[value="1y"]').waitFor({ state: 'attached', timeout: 15000 });
  await form.locator('input[name="title"]').fill(TITLE);
  await form.locator('select[name="retention_class"]').selectOption('1y');
  await form.locator('input[name="fiscal_year"]').fill('2025');
  await form.locator('select[name="custodian"]').selectOption(config.section);
  await form.getByRole('button', { name: '作成' }).click();
  await page.getByTestId('file-page').waitFor({ timeout: 15000 });
  fileId = Number(new URL(page.url()).pathname.split('/').filter(Boolean).pop());
  expect(fileId > 0, `file page address ${page.url()}`);
  expect((await expiry()) === '2027-03-31', `effective expiry ${await expiry()}`);
  expect((await page.getByTestId('file-start').innerText()).includes('令和8年4月1日'), `起算日 ${await page.getByTestId('file-start').innerText()}`);
  // It expires this fiscal year (2027-03-31): the dashboard lists it; the expired one is queued instead.
  await page.goto(`${base}/retention`);
  await page.getByTestId('rt-expiring').getByText(TITLE).waitFor({ timeout: 15000 });
  expect(!(await page.getByTestId('rt-expiring').innerText()).includes(EXPIRED), 'the expired file is listed as expiring this year');
});

await step('the officer selects both documents in the search results and puts them into the file (bulk)', async () => {
  const deadline = Date.now() + 90000;
  // The documents are searchable once the worker has indexed them: search again until both show.
  for (;;) {
    await page.goto(`${base}/?q=${encodeURIComponent('公用車保守点検委託')}`);
    await page.locator('.result-list, .empty-state').first().waitFor({ timeout: 15000 }).catch(() => {});
    if ((await page.locator('.result-list > li.result').count()) >= 2) break;
    expect(Date.now() < deadline, 'the two documents never appeared in search');
    await page.waitForTimeout(2000);
  }
  const bulk = page.getByTestId('bulk-classify');
  await bulk.locator('summary').click();
  await bulk.getByLabel('すべて選ぶ').check();
  await bulk.locator('input[name="file-query"]').fill('公用車');
  await bulk.getByRole('button', { name: '検索' }).click();
  await bulk.locator(`select[name="record_file"] option[value="${fileId}"]`).waitFor({ state: 'attached', timeout: 15000 });
  await bulk.locator('select[name="record_file"]').selectOption(String(fileId));
  await bulk.getByRole('button', { name: /このファイルに入れる \(2\)/ }).click();
  await bulk.getByText('2 件の文書をファイルに入れました。').waitFor({ timeout: 15000 });
  await shot('02-bulk-classify');
  await page.goto(`${base}/retention/files/${fileId}`);
  await page.locator('[data-testid="file-documents"] li').nth(1).waitFor({ timeout: 15000 });
  const titles = await page.locator('[data-testid="file-documents"] li').allInnerTexts();
  expect(titles.length === 2 && titles.every((t) => t.includes('公用車保守点検委託')), `documents: ${titles.join(' / ')}`);
});

await step('a 開示請求 hold decided on 2026-11-30 moves the effective expiry to 2027-11-30 (file and documents)', async () => {
  const form = page.getByTestId('hold-form');
  await form.locator('select[name="hold_type"]').selectOption('disclosure');
  await form.locator('input[name="reference"]').fill('開示第128号');
  await form.locator('input[name="started_on"]').fill('2026-11-01');
  await form.locator('input[name="event_on"]').fill('2026-11-30');
  await form.getByRole('button', { name: '保留を加える' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="file-effective-expiry"]')?.getAttribute('data-iso') === '2027-11-30', null, { timeout: 15000 });
  // the holds and the history refresh after the expiry: wait for each rather than read once
  await page.getByTestId('file-holds').getByText('開示第128号').first().waitFor({ timeout: 15000 });
  await page.getByTestId('file-history').getByText(/開示第128号/).first().waitFor({ timeout: 15000 });
  const documents = await page.evaluate(async (ids) => Promise.all(ids.map(async (id) => (await (await fetch(`/api/retention/documents/${id}/`)).json()).effective_expiry)), config.documents);
  expect(documents.every((d) => d === '2027-11-30'), `documents' effective expiry: ${documents.join(', ')}`);
  await shot('03-file-with-hold');
});

await step("a filed document's page shows its retention under it (file, effective expiry, lock)", async () => {
  await page.goto(`${base}/documents/${config.documents[0]}`);
  const panel = page.getByTestId('document-retention');
  await panel.waitFor({ timeout: 15000 });
  await panel.locator('dd[data-iso="2027-11-30"]').waitFor({ timeout: 15000 });
  expect((await panel.locator(`a[href="/retention/files/${fileId}"]`).count()) === 1, 'no link to the file');
});

await step("the officer edits the file's register fields: a bad fiscal year is refused with the API's message, then the location is saved", async () => {
  await page.goto(`${base}/retention/files/${fileId}`);
  await page.getByTestId('edit-register').click();
  const form = page.getByTestId('register-form');
  await form.locator('input[name="fiscal_year"]').fill('x');
  await form.getByRole('button', { name: '変更を保存' }).click();
  await form.getByRole('alert').waitFor({ timeout: 15000 });
  await form.locator('input[name="fiscal_year"]').fill('2025');
  await form.locator('input[name="location"]').fill('本庁舎書庫B');
  await form.getByRole('button', { name: '変更を保存' }).click();
  await form.waitFor({ state: 'detached', timeout: 15000 });
  await page.getByTestId('file-page').getByText('本庁舎書庫B').waitFor({ timeout: 15000 });
});

await step('the register lists the file and exports it as XLSX', async () => {
  await page.goto(`${base}/retention/register?fiscal_year=2025`);
  await page.getByTestId('register-table').getByText(TITLE).waitFor({ timeout: 15000 });
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30000 }), page.getByTestId('export-xlsx').click()]);
  await download.saveAs(config.download);
  note('register', config.download);
  await shot('04-register');
});

await step('the retention pages follow the language switch (English and back)', async () => {
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.getByRole('heading', { name: 'File register' }).waitFor({ timeout: 15000 });
  await page.getByRole('button', { name: '日本語に切り替える' }).click();
  await page.getByRole('heading', { name: 'ファイル管理簿' }).waitFor({ timeout: 15000 });
});

await step('the dashboard queues the expired file; the officer proposes its destruction (batch)', async () => {
  await page.goto(`${base}/retention`);
  const queue = page.getByTestId('rt-queue');
  await queue.getByText(EXPIRED).waitFor({ timeout: 15000 });
  await queue.getByLabel(`選択: ${EXPIRED}`).check();
  await queue.getByRole('button', { name: '選んだファイルの廃棄を起案' }).click();
  await page.getByText(/提案 .* を作りました。/).waitFor({ timeout: 15000 });
  const proposals = page.getByTestId('rt-proposals');
  await proposals.getByText('決定待ち').waitFor({ timeout: 15000 });
  expect((await proposals.innerText()).includes(EXPIRED), 'the proposal does not list the file');
});

await step('a second records officer decides it (two-person review) and carries it out: the progress reaches 完了', async () => {
  await login(config.reviewer);
  await page.goto(`${base}/retention`);
  const proposals = page.getByTestId('rt-proposals');
  await proposals.getByRole('button', { name: '決定（確認）' }).click();
  await proposals.getByText('決定済').waitFor({ timeout: 15000 });
  await proposals.getByRole('button', { name: '実施' }).click();
  const deadline = Date.now() + 120000;
  // Destruction runs as a job in the worker: reload until the proposal is done. Each item
  // commits before the proposal does, so '1/1 件完了' alone can show while the state is
  // still 実施中: wait for the state (its link to the tombstones appears only when done).
  for (;;) {
    await page.goto(`${base}/retention`);
    await proposals.waitFor({ timeout: 15000 });
    const text = await proposals.innerText();
    const finished = (await proposals.getByTestId('rt-tombstones-link').count()) > 0;
    if (finished && text.includes('· 完了 ·') && text.includes('1/1 件完了')) break;
    expect(Date.now() < deadline, `the destruction did not finish: ${text}`);
    await page.waitForTimeout(2000);
  }
  expect(!(await page.getByTestId('rt-queue').innerText()).includes(EXPIRED), 'the destroyed file is still queued');
  expect(!(await page.getByTestId('rt-expiring').innerText()).includes(TITLE), 'the held file (now 2027-11-30) is listed as expiring this year');
  await shot('05-dashboard-after-destruction');
});

await step('the officer finds the destroyed file on 廃棄・移管の記録 (from the finished proposal)', async () => {
  await page.getByTestId('rt-proposals').getByTestId('rt-tombstones-link').first().click();
  await page.getByRole('heading', { name: '廃棄・移管の記録' }).waitFor({ timeout: 15000 });
  const search = page.getByTestId('tombstone-search');
  await search.getByLabel('ファイル名').fill('旧庁舎');
  await search.getByRole('button', { name: '検索' }).click();
  const list = page.getByTestId('tombstone-list');
  await list.getByRole('button', { name: EXPIRED }).click();
  const detail = page.getByTestId('tombstone-detail');
  await detail.waitFor({ timeout: 15000 });
  expect((await list.innerText()).includes('廃棄'), 'the record does not say 廃棄');
  // The seeded file held no documents: no version hashes, but every shown one is a SHA-256.
  for (const code of await detail.locator('code').allInnerTexts()) expect(/^[0-9a-f]{64}$/.test(code), `not a SHA-256: ${code}`);
  await shot('05b-tombstones');
});

await step('a member of staff of another department cannot see the file (page, API, register)', async () => {
  await login(config.otherDepartment);
  expect((await page.getByTestId('nav-retention').count()) === 0, 'staff see the records officer link');
  await page.goto(`${base}/retention/files/${fileId}`);
  await page.getByTestId('file-error').waitFor({ timeout: 15000 });
  expect((await page.getByTestId('file-page').count()) === 0, 'the file page rendered');
  const status = await page.evaluate(async (id) => (await fetch(`/api/retention/files/${id}/`)).status, fileId);
  expect(status === 404, `the API answered ${status}`);
  await page.goto(`${base}/retention/register`);
  await page.getByTestId('register-table').waitFor({ timeout: 15000 });
  expect(!(await page.getByTestId('register-table').innerText()).includes(TITLE), 'the register lists the file');
  await shot('06-other-department');
});

await step('no script errors', async () => {
  expect(pageErrors.length === 0, `uncaught errors: ${pageErrors.slice(0, 3).join(' | ')}`);
});

note('file', String(fileId));
await context.close();
process.exit(results.some((r) => !r.ok) ? 1 : 0);
