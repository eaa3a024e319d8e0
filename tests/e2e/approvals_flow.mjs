// A whole electronic-approval case in Chromium (playwright-core), against the server that
// test_approvals_browser.py starts: 起案 with an attachment, two 承認, a parallel 合議, 代決
// while the decider is registered absent, the decider's 後閲, the stamps and the signature
// panel, and a person of another department who gets 404. Every step runs and prints one
// JSON line {"step", "ok", "error"}; figures print as {"note"}.
// Usage: node approvals_flow.mjs '<json config>'   (run with cwd = frontend/)
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
      await page?.screenshot({ path: join(shots, `FAILED-approvals-${name.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true });
    } catch {
      /* the page may be gone */
    }
  }
}
const shot = (name, fullPage = true) => page.screenshot({ path: join(shots, `approvals-${name}.png`), fullPage });

rmSync(config.profileDir, { recursive: true, force: true });
const context = await chromium.launchPersistentContext(config.profileDir, {
  executablePath: config.chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--lang=ja-JP'],
  env: { ...process.env, LANG: 'ja_JP.UTF-8', LANGUAGE: 'ja' },
  viewport: { width: 1280, height: 900 },
  locale: 'ja-JP',
  timezoneId: 'Asia/Tokyo',
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

/** Open the case from the person's inbox tab (it must be listed there), then act. */
async function actFromInbox(username, tab, action, label) {
  await login(username);
  const badge = page.getByTestId('approvals-count');
  await badge.waitFor({ timeout: 15000 });
  expect(Number(await badge.innerText()) >= 1, `${username}: the header badge shows no waiting case`);
  await page.getByTestId('nav-approvals').click();
  await page.locator(`button[data-tab="${tab}"]`).click();
  const row = page.locator(`tr[data-case="${caseId}"]`);
  await row.waitFor({ timeout: 15000 });
  await row.getByRole('link').click();
  return actOnCase(action, label);
}

async function actOnCase(action, label, comment = '') {
  const button = page.locator(`button[data-action="${action}"]`);
  await button.waitFor({ timeout: 15000 });
  await button.click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const stampText = await dialog.getByTestId('stamp-text').innerText();
  expect(stampText.length > 0, 'the confirmation shows no stamp description');
  if (comment) await dialog.locator('textarea[name="comment"]').fill(comment);
  await dialog.locator(`button[data-confirm="${action}"]`).click();
  await page.getByText(`「${label}」を行いました。`).waitFor({ timeout: 30000 });
  return stampText;
}

let caseId = null;

await step('the drafter drafts a case: the route proposed from the rules, body and attachment picked', async () => {
  await login(config.drafter);
  await page.goto(`${base}/approvals/new`);
  await page.locator('input[name="title"]').fill('庁舎清掃業務委託契約の締結について');
  await page.locator('select[name="matter_type"]').selectOption('keiyaku');
  await page.locator('input[name="amount"]').fill('5000000');
  const proposal = page.getByTestId('route-proposal');
  await proposal.waitFor({ timeout: 15000 });
  const proposed = await proposal.locator('li').allInnerTexts();
  expect(proposed.length === 4, `proposed route: ${proposed.join(' / ')}`);
  expect(proposed[2].includes('財政課長') && proposed[2].includes('経理課長'), `the 合議 step: ${proposed[2]}`);
  const body = page.locator('[data-picker="body"]');
  await body.getByRole('button', { name: /文書を検索して選ぶ/ }).click();
  await body.locator(`button[data-pick="${config.documents.body}"]`).click();
  const attachment = page.locator('[data-picker="attachment"]');
  await attachment.getByRole('button', { name: /文書を検索して選ぶ/ }).click();
  await attachment.locator(`button[data-pick="${config.documents.attachment}"]`).click();
  await page.getByTestId('save-draft').click();
  await page.getByText('下書きを保存しました。').waitFor({ timeout: 15000 });
  caseId = new URL(page.url()).searchParams.get('case');
  expect(caseId, `no case id in ${page.url()}`);
  const route = await page.getByTestId('route').locator('li').allInnerTexts();
  expect(route.length === 4 && route[3].includes('総務部長'), `saved route: ${route.join(' / ')}`);
  expect((await page.getByTestId('attachments-picked').innerText()).includes('見積書'), 'the attachment is not listed');
  await shot('01-draft');
});

await step('the drafter submits (起案) and sees the case in route', async () => {
  await page.getByTestId('submit-case').click();
  await page.waitForURL(`**/approvals/cases/${caseId}`);
  await page.locator('.case-page[data-case-state="in_route"]').waitFor({ timeout: 15000 });
  const steps = page.locator('.ap-step');
  expect((await steps.count()) === 4, 'the timeline does not show four steps');
  expect((await page.locator('.ap-step[data-step="1"]').getAttribute('data-step-state')) === 'open', 'step 1 is not open');
  expect((await page.locator('button[data-action="approve"]').count()) === 0, 'the drafter is offered 承認');
  await shot('02-submitted');
});

await step('the 係長 approves from the inbox, with the stamp shown before confirming', async () => {
  const stamp = await actFromInbox('kimura', 'approval', 'approve', '承認');
  expect(stamp.includes('木村') && stamp.includes('本人'), `stamp description: ${stamp}`);
});

await step('the 課長 approves', async () => {
  await actFromInbox('yamada', 'approval', 'approve', '承認');
  // wait for the refreshed timeline rather than read it once: the notice can come first
  await page.locator('.ap-step[data-step="3"][data-step-state="open"]').waitFor({ timeout: 15000 });
});

await step('the two 合議 run in parallel: both consultees have it at once, each agrees', async () => {
  await login('kato');
  await page.goto(`${base}/approvals?tab=consultation`);
  await page.locator(`tr[data-case="${caseId}"]`).waitFor({ timeout: 15000 });
  await actFromInbox('ito', 'consultation', 'agree', '合議(同意)');
  expect((await page.locator('.ap-step[data-step="3"]').getAttribute('data-step-state')) === 'open', 'the 合議 closed after one of two');
  await actFromInbox('kato', 'consultation', 'agree', '合議(同意)');
  await page.locator('.ap-step[data-step="4"][data-step-state="open"]').waitFor({ timeout: 15000 });
});

await step('the 次長 decides as proxy (代決) while the 部長 is registered absent', async () => {
  await login('kobayashi');
  await page.goto(`${base}/approvals/cases/${caseId}`);
  const stamp = await actOnCase('proxy-decide', '代決');
  expect(stamp.includes('代決'), `stamp description: ${stamp}`);
  await page.locator('.case-page[data-case-state="decided"]').waitFor({ timeout: 15000 });
  await page.locator('[data-capacity="proxy"]').first().waitFor({ timeout: 15000 });
  expect((await page.locator('[data-capacity="proxy"]').count()) === 1, 'the timeline does not show 代決 once');
  await shot('03-proxy-decided');
});

await step('the 部長 finds it in 後閲待ち and does the 後閲', async () => {
  await actFromInbox('sato', 'post_review', 'post-review', '後閲');
  await page.locator('[data-post-reviewed]').first().waitFor({ timeout: 15000 });
  expect((await page.locator('[data-post-reviewed]').count()) === 1, 'the timeline does not show the 後閲 once');
  await page.goto(`${base}/approvals?tab=post_review`);
  await page.locator('button[data-tab="post_review"] .ap-count').filter({ hasText: /^0$/ }).waitFor({ timeout: 15000 });
});

await step('the approvals pages follow the language switch (English and back)', async () => {
  await page.goto(`${base}/approvals`);
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.getByRole('tab', { name: /To approve/ }).waitFor({ timeout: 15000 });
  await page.getByRole('heading', { name: 'Approvals' }).waitFor();
  await shot('04-inbox-english', false);
  await page.getByRole('button', { name: '日本語に切り替える' }).click();
  await page.getByRole('tab', { name: /承認待ち/ }).waitFor({ timeout: 15000 });
});

await step('the decided case renders (screenshot); with signing: the stamped decision PDF and an all-green signature panel', async () => {
  await page.goto(`${base}/approvals/cases/${caseId}`);
  await page.locator('.case-page').waitFor();
  const source = page.getByTestId('pdf-source');
  await source.waitFor({ timeout: 15000 });
  await page.locator('.pdf-page canvas').first().waitFor({ timeout: 60000 });
  await page.waitForTimeout(1500);
  await shot('05-decided-case');
  const panel = page.getByTestId('verification');
  await panel.locator('.spinner').waitFor({ state: 'detached', timeout: 30000 });
  if (!config.signing) {
    note('signing', 'not configured in this run: decision PDF and verification not checked');
    return;
  }
  expect((await source.innerText()).includes('決裁文書') && !(await source.innerText()).includes('本文'), 'the viewer shows the body, not the decision PDF');
  await page.waitForFunction(() => document.querySelector('[data-testid="verification"]')?.getAttribute('data-all-green') === 'true', null, { timeout: 120000 });
  const signatures = await panel.locator('[data-sig-ok]').count();
  expect(signatures >= 6, `signatures in the panel: ${signatures}`);
});

await step('a person of another department gets 404 for the case (page and API)', async () => {
  await login(config.otherDepartment);
  await page.goto(`${base}/approvals/cases/${caseId}`);
  await page.getByTestId('case-error').waitFor({ timeout: 15000 });
  const status = await page.evaluate(async (id) => (await fetch(`/api/approvals/cases/${id}/`)).status, caseId);
  expect(status === 404, `the API answered ${status}`);
  await shot('06-other-department');
});

await step('no script errors', async () => {
  expect(pageErrors.length === 0, `uncaught errors: ${pageErrors.slice(0, 3).join(' | ')}`);
});

note('case', String(caseId));
await context.close();
process.exit(results.some((r) => !r.ok) ? 1 : 0);
