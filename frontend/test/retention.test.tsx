// The retention pages: wording, the pure helpers, and each page rendered against a stubbed
// fetch (what an officer and a member of staff are offered, what the dates read).
import { afterEach, describe, expect, it } from 'vitest';
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { LangProvider, SessionContext } from '../src/context';
import { Router } from '../src/router';
import { en, ja, rtTranslate } from '../src/pages/retention/i18n';
import { filesQuery, fileHistory, fiscalYearEnd, fiscalYearOf, fiscalYearStart, isoDay, isRecordsOfficer, nextActions, progress } from '../src/pages/retention/model';
import { registerUrl, rowsOf } from '../src/pages/retention/client';
import FilePage, { changedFields } from '../src/pages/retention/FilePage';
import DashboardPage from '../src/pages/retention/DashboardPage';
import RegisterPage from '../src/pages/retention/RegisterPage';
import DocumentPanel from '../src/pages/retention/DocumentPanel';
import BulkClassify from '../src/pages/retention/BulkClassify';
import TombstonesPage, { tombstonesQuery } from '../src/pages/retention/TombstonesPage';
import { classLabel, sectionLabel } from '../src/pages/retention/model';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

describe('retention wording', () => {
  it('has every word in both languages, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
    for (const [key, text] of Object.entries(en)) expect(text, key).not.toBe('');
  });
  it('fills parameters', () => {
    expect(rtTranslate('ja', 'rt.progress', { done: 1, all: 3 })).toBe('1/3 件完了');
    expect(rtTranslate('en', 'rt.classifyDone', { n: 2 })).toBe('2 documents put into the file.');
  });
});

describe('retention helpers', () => {
  it('knows who changes retention', () => {
    expect(isRecordsOfficer({ role: 'records_officer' })).toBe(true);
    expect(isRecordsOfficer({ role: 'administrator' })).toBe(true);
    expect(isRecordsOfficer({ role: 'staff' })).toBe(false);
    expect(isRecordsOfficer(null)).toBe(false);
  });
  it('counts fiscal years from April and ends them on March 31', () => {
    expect(fiscalYearOf(new Date(2026, 2, 31))).toBe(2025);
    expect(fiscalYearOf(new Date(2026, 3, 1))).toBe(2026);
    expect(fiscalYearEnd(new Date(2026, 11, 5))).toBe('2027-03-31');
    expect(fiscalYearEnd(new Date(2027, 0, 10))).toBe('2027-03-31');
    expect(fiscalYearStart(new Date(2027, 0, 10))).toBe('2026-04-01');
    expect(isoDay(new Date(2026, 0, 2, 0, 30))).toBe('2026-01-02');
  });
  it('builds the list query without empty filters', () => {
    expect(filesQuery({ title: ' 契約 ', fiscal_year: '', medium: 'paper' })).toBe('title=%E5%A5%91%E7%B4%84&medium=paper');
    expect(filesQuery({ open_hold: 'true' }, 3)).toBe('open_hold=true&page=3');
    expect(filesQuery({}, 1)).toBe('');
  });
  it('addresses the register exports', () => {
    expect(registerUrl('xlsx')).toBe('/api/retention/disposition/register.xlsx');
    expect(registerUrl('csv', { encoding: 'cp932' })).toBe('/api/retention/disposition/register.csv?encoding=cp932');
    expect(registerUrl('xlsx', { public: true, encoding: 'cp932', lang: 'en' })).toBe('/api/retention/disposition/register.xlsx?public=1&lang=en');
  });
  it('orders a file\'s history by time', () => {
    const lines = fileHistory({
      holds: [{ hold_type_display: '開示請求', reference: 'R-1', started_on: '2026-05-01', created_at: '2026-05-01T10:00:00+09:00' }],
      extensions: [{ years: 3, reason: '事業継続', created_at: '2026-06-01T10:00:00+09:00' }],
      corrections: [{ before: '2022-04-01', after: '2021-04-01', reason: '作成日の誤り', at: '2026-04-10T09:00:00+09:00' }],
      custody_transfers: [],
    });
    expect(lines.map((l) => l.kind)).toEqual(['correction', 'hold', 'extension']);
    expect(lines[1].params).toEqual({ type: '開示請求', ref: 'R-1', on: '2026-05-01' });
  });
  it('offers the next step of a proposal and counts its progress', () => {
    expect(nextActions({ state: 'proposed', method: 'destroy', case: null })).toEqual(['approve']);
    expect(nextActions({ state: 'proposed', method: 'destroy', case: 4 })).toEqual([]);
    expect(nextActions({ state: 'approved', method: 'transfer', case: 4 })).toEqual(['execute']);
    expect(nextActions({ state: 'awaiting_receipt', method: 'transfer', case: null })).toEqual(['receipt']);
    expect(nextActions({ state: 'done', method: 'destroy', case: null })).toEqual([]);
    expect(progress([{ state: 'done' }, { state: 'pending' }, { state: 'refused' }])).toEqual({ done: 1, all: 3 });
    expect(rowsOf({ count: 1, next: null, previous: null, results: [7] })).toEqual([7]);
    expect(rowsOf([8])).toEqual([8]);
  });
});

// --- pages against a stubbed fetch ----------------------------------------------------------
const FILE = {
  id: 7,
  retention_class: '5y',
  title: '令和3年度 契約書',
  fiscal_year: 2021,
  category_major: '契約',
  category_middle: '物品',
  creator_post: '文書係長',
  creator_section: 'bunsho',
  medium: 'electronic',
  location: '書庫A',
  custodian: 'bunsho',
  remarks: '',
  start_rule: '',
  action: '',
  action_at_expiry: 'destroy',
  created_on: '2021-06-01',
  completed_on: null,
  start_date: '2022-04-01',
  start_date_display: '',
  base_expiry: '2027-03-31',
  effective_expiry: '2027-12-01',
  expiry_display: '',
  open_hold: false,
  period: '5年',
  document_count: 2,
  closed_at: null,
  holds: [
    { id: 1, record_file: 7, document: null, hold_type: 'disclosure', hold_type_display: '開示請求', reference: '開示第12号', started_on: '2026-11-01', event_on: '2026-11-30', until: '2027-12-01', note: '', created_at: '2026-11-01T09:00:00+09:00' },
  ],
  extensions: [],
  corrections: [],
  custody_transfers: [],
  documents: [
    { document_id: 1, document__title: '契約書 A' },
    { document_id: 2, document__title: '契約書 B' },
  ],
};

const TOMBSTONE = {
  record_file: 8,
  method: 'destroy',
  register_row: { title: '平成29年度 旅費', fiscal_year: 2017, category_major: '総務', period: '5年', custodian: '文書課' },
  hashes: [{ document: 41, title: '旅費請求', version: 2, sha256: 'ab'.repeat(32) }],
  proposal: 3,
  decision_reference: '決裁-2026-15',
  decided_by: 2,
  decided_at: '2026-11-20T10:00:00+09:00',
  executed_at: '2026-11-21T10:00:00+09:00',
};
const page = (results: unknown[]) => ({ count: results.length, next: null, previous: null, results });
const ROUTES: Record<string, unknown> = {
  '/api/retention/files/7/': FILE,
  '/api/retention/documents/1/': { document: 1, record_file: 7, retention_class: '5y', start_date: '2022-04-01', base_expiry: '2027-03-31', effective_expiry: null, open_hold: true, lock_until: '2027-03-31', lock_legal_hold: true, lock_synced_at: null },
  '/api/retention/disposition/warnings/': page([]),
  '/api/retention/holds/?open=true': page([{ ...FILE.holds[0], event_on: null, until: null }]),
  '/api/retention/disposition/queue/': page([{ id: 9, title: '平成30年度 起案文書', fiscal_year: 2018, retention_class: '1年', custodian: '文書課', base_expiry: '2020-03-31', effective_expiry: '2020-03-31', action: 'destroy' }]),
  '/api/retention/disposition/proposals/': page([{ id: 3, method: 'destroy', state: 'executing', reason: '', reference: '廃棄-3', case: null, proposed_by: 1, proposed_at: '', decided_by: 2, decided_at: '', received_at: null, finished_at: null, items: [{ record_file: 5, title: 'X', state: 'done', refusal: '' }, { record_file: 6, title: 'Y', state: 'pending', refusal: '' }] }, { id: 4, method: 'transfer', state: 'done', reason: '', reference: '移管-4', case: null, proposed_by: 1, proposed_at: '', decided_by: 2, decided_at: '', received_at: '', finished_at: '', package_key: 'transfer/4.tar.gz', items: [{ record_file: 8, title: 'Z', state: 'done', refusal: '' }] }]),
  '/api/retention/disposition/proposals/4/package/': 'x',
  '/api/retention/disposition/tombstones/': { count: 1, next: '/api/retention/disposition/tombstones/?page=2', previous: null, results: [TOMBSTONE] },
  '/api/retention/disposition/tombstones/?q=%E5%A5%91%E7%B4%84': page([]),
  '/api/retention/classes/?page_size=100': page([{ id: 1, code: '5y', name: '5年', name_en: '5 years', duration: 5, unit: 'years', start_rule: 'next_fiscal_year', action: 'destroy', registered: true, active: true }]),
};
const requested: string[] = [];
const originalFetch = globalThis.fetch;

function stubFetch() {
  requested.length = 0;
  globalThis.fetch = (async (input: RequestInfo | URL) => {
    const url = String(input);
    requested.push(url);
    const body = url.startsWith('/api/retention/files/?') ? page([{ ...FILE, id: 7 }]) : ROUTES[url];
    if (body === undefined) return new Response(JSON.stringify({ detail: 'not found' }), { status: 404, headers: { 'content-type': 'application/json' } });
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

afterEach(() => {
  globalThis.fetch = originalFetch;
  document.body.innerHTML = '';
});

async function render(element: React.ReactElement, role: string, departments: { id: number; code: string; name: string; name_en: string; level: string; parent: number | null }[] = []) {
  stubFetch();
  const me = { id: 1, username: 'u', display_name: 'U', role, departments: [{ id: 1, code: 'bunsho', name: '文書課', name_en: '', level: 'section', parent: null }], sees_everything: role !== 'staff' };
  const host = document.createElement('div');
  document.body.appendChild(host);
  const root = createRoot(host);
  await act(async () => {
    root.render(
      createElement(LangProvider, null, createElement(Router, null, createElement(SessionContext.Provider, { value: { me, departments, documentTypes: [], signOut: () => {} } }, element))),
    );
  });
  for (let i = 0; i < 5; i++) await act(async () => new Promise((r) => setTimeout(r, 5)));
  return host;
}

describe('file page', () => {
  it('shows the retention with the effective expiry and gives an officer the actions', async () => {
    const host = await render(createElement(FilePage, { id: '7' }), 'records_officer');
    expect(host.querySelector('h1')?.textContent).toBe('令和3年度 契約書');
    expect(host.querySelector('[data-testid="file-effective-expiry"]')?.getAttribute('data-iso')).toBe('2027-12-01');
    expect(host.querySelector('[data-testid="file-period"]')?.textContent).toBe('5年');
    expect(host.querySelectorAll('[data-testid="file-documents"] li')).toHaveLength(2);
    expect(host.querySelector('[data-testid="file-holds"]')?.textContent).toContain('開示第12号');
    for (const form of ['hold-form', 'extension-form', 'correct-form', 'classify-picker']) expect(host.querySelector(`[data-testid="${form}"]`), form).not.toBeNull();
  });
  it('gives a member of staff the same reading and no actions', async () => {
    const host = await render(createElement(FilePage, { id: '7' }), 'staff');
    expect(host.querySelector('[data-testid="file-base-expiry"]')?.textContent).not.toBe('—');
    for (const form of ['hold-form', 'extension-form', 'correct-form', 'classify-picker']) expect(host.querySelector(`[data-testid="${form}"]`), form).toBeNull();
  });
  it('says so when the file is not there (another department gets 404)', async () => {
    const host = await render(createElement(FilePage, { id: '99' }), 'staff');
    expect(host.querySelector('[role="alert"]')).not.toBeNull();
    expect(host.querySelector('[data-testid="file-page"]')).toBeNull();
  });
});

describe('custody transfer (所管換) on the file page', () => {
  it('offers officers the other sections by name', async () => {
    const sections = [
      { id: 1, code: 'bunsho', name: '文書課', name_en: 'Records', level: 'section', parent: null },
      { id: 2, code: 'zaisei', name: '財政課', name_en: 'Finance', level: 'section', parent: null },
    ];
    const host = await render(createElement(FilePage, { id: '7' }), 'records_officer', sections);
    const options = [...host.querySelectorAll('[data-testid="custody-form"] option')].map((o) => o.textContent);
    expect(options).toEqual(['', '財政課']);
    expect(host.textContent).toContain('文書課');
    document.body.innerHTML = '';
    const staff = await render(createElement(FilePage, { id: '7' }), 'staff', sections);
    expect(staff.querySelector('[data-testid="custody-form"]')).toBeNull();
  });
});

describe('records dashboard', () => {
  it('lists expiring files, open holds, the queue with batch actions and the progress', async () => {
    const host = await render(createElement(DashboardPage), 'records_officer');
    expect(requested.some((u) => /^\/api\/retention\/files\/\?expires_after=\d{4}-04-01&expires_before=\d{4}-03-31&closed=false$/.test(u))).toBe(true);
    expect(host.querySelector('[data-testid="rt-expiring"]')?.textContent).toContain('令和3年度 契約書');
    expect(host.querySelector('[data-testid="rt-holds"]')?.textContent).toContain('開示第12号');
    const queue = host.querySelector('[data-testid="rt-queue"]')!;
    expect(queue.textContent).toContain('平成30年度 起案文書');
    const propose = [...queue.querySelectorAll('button')].find((b) => b.textContent === '選んだファイルの廃棄を起案')!;
    expect(propose.disabled).toBe(true);
    await act(async () => (queue.querySelector('input[type="checkbox"]') as HTMLInputElement).click());
    expect(propose.disabled).toBe(false);
    expect(host.querySelector('[data-testid="rt-proposals"]')?.textContent).toContain('1/2 件完了');
  });
});

describe('editing the register fields', () => {
  const type = async (input: HTMLInputElement, value: string) => {
    await act(async () => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
  };
  it('sends only what changed', () => {
    const file = { title: 'A', fiscal_year: 2021, category_major: '', category_middle: '', creator_post: '', medium: 'paper', location: '', remarks: '' };
    expect(changedFields(file, { ...file, fiscal_year: '2021', location: '書庫B' })).toEqual({ location: '書庫B' });
    expect(changedFields(file, { ...file, fiscal_year: '2022' })).toEqual({ fiscal_year: 2022 });
    expect(changedFields(file, { ...file, fiscal_year: 'x' })).toEqual({ fiscal_year: 'x' });
  });
  it('lets an officer edit, shows the API\'s error, and saves; staff get no form', async () => {
    const staff = await render(createElement(FilePage, { id: '7' }), 'staff');
    expect(staff.querySelector('[data-testid="edit-register"]')).toBeNull();
    document.body.innerHTML = '';
    const host = await render(createElement(FilePage, { id: '7' }), 'records_officer');
    await act(async () => (host.querySelector('[data-testid="edit-register"]') as HTMLButtonElement).click());
    const form = host.querySelector('[data-testid="register-form"]') as HTMLFormElement;
    expect((form.querySelector('input[name="title"]') as HTMLInputElement).value).toBe('令和3年度 契約書');
    await type(form.querySelector('input[name="location"]') as HTMLInputElement, '書庫B');
    const sent: { method: string; url: string; body: unknown }[] = [];
    const stubbed = globalThis.fetch;
    let refuse = true;
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (init?.method === 'PATCH') {
        sent.push({ method: init.method, url: String(input), body: JSON.parse(String(init.body)) });
        if (refuse)
          return new Response(JSON.stringify({ error: 'use_custody_transfer', message: '所管課の変更は所管換で行ってください。', message_en: 'Change the custodian section through a custody transfer (所管換).' }), { status: 400, headers: { 'content-type': 'application/json' } });
        return new Response(JSON.stringify({ ...FILE, location: '書庫B' }), { status: 200, headers: { 'content-type': 'application/json' } });
      }
      return stubbed(input, init);
    }) as typeof fetch;
    await act(async () => form.requestSubmit());
    for (let i = 0; i < 3; i++) await act(async () => new Promise((r) => setTimeout(r, 5)));
    expect(sent[0]).toEqual({ method: 'PATCH', url: '/api/retention/files/7/', body: { location: '書庫B' } });
    expect(form.textContent).toContain('所管課の変更は所管換で行ってください。');
    refuse = false;
    await act(async () => form.requestSubmit());
    for (let i = 0; i < 3; i++) await act(async () => new Promise((r) => setTimeout(r, 5)));
    expect(sent).toHaveLength(2);
    expect(host.querySelector('[data-testid="register-form"]')).toBeNull();
  });
});

describe('tombstones', () => {
  it('builds the search query', () => {
    expect(tombstonesQuery(' 契約 ', 'x', 1)).toBe('q=%E5%A5%91%E7%B4%84');
    expect(tombstonesQuery('', '41', 2)).toBe('document=41&page=2');
  });
  it('lists the records, shows each version\'s SHA-256 and searches by title', async () => {
    const host = await render(createElement(TombstonesPage), 'records_officer');
    expect(host.querySelector('h1')?.textContent).toBe('廃棄・移管の記録');
    const list = host.querySelector('[data-testid="tombstone-list"]')!;
    expect(list.textContent).toContain('平成29年度 旅費');
    expect(list.textContent).toContain('決裁-2026-15');
    expect([...list.querySelectorAll('button')].some((b) => b.textContent === '次へ')).toBe(true);
    await act(async () => (list.querySelector('button[aria-expanded]') as HTMLButtonElement).click());
    const detail = host.querySelector('[data-testid="tombstone-detail"]')!;
    expect(detail.querySelector('[data-testid="tombstone-hashes"] code')?.textContent).toBe('ab'.repeat(32));
    expect(detail.textContent).toContain('総務');
    const input = host.querySelector('input[name="q"]') as HTMLInputElement;
    await act(async () => {
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      setter.call(input, '契約');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => (host.querySelector('[data-testid="tombstone-search"]') as HTMLFormElement).requestSubmit());
    for (let i = 0; i < 3; i++) await act(async () => new Promise((r) => setTimeout(r, 5)));
    expect(requested).toContain('/api/retention/disposition/tombstones/?q=%E5%A5%91%E7%B4%84');
    expect(host.querySelector('[data-testid="tombstone-list"] p')?.textContent).toBe('ありません。');
  });
  it('links a done proposal to the records and a transfer to its package', async () => {
    const host = await render(createElement(DashboardPage), 'records_officer');
    const proposals = host.querySelector('[data-testid="rt-proposals"]')!;
    expect(proposals.querySelector('[data-testid="rt-package"]')?.getAttribute('href')).toBe('/api/retention/disposition/proposals/4/package/');
    expect(proposals.querySelectorAll('[data-testid="rt-tombstones-link"]')).toHaveLength(1);
  });
});

describe('register', () => {
  it('lists the files with filters and offers every export; only officers create files', async () => {
    const officer = await render(createElement(RegisterPage), 'records_officer');
    expect(officer.querySelector('[data-testid="register-table"]')?.textContent).toContain('令和3年度 契約書');
    const links = [...officer.querySelectorAll('[data-testid="register-export"] a')].map((a) => a.getAttribute('href'));
    expect(links).toEqual([
      '/api/retention/disposition/register.csv',
      '/api/retention/disposition/register.csv?encoding=cp932',
      '/api/retention/disposition/register.xlsx',
      '/api/retention/disposition/register.csv?public=1',
      '/api/retention/disposition/register.xlsx?public=1',
    ]);
    expect(officer.querySelector('[data-testid="new-file-form"]')).not.toBeNull();
    document.body.innerHTML = '';
    const staff = await render(createElement(RegisterPage), 'staff');
    expect(staff.querySelector('[data-testid="register-table"]')).not.toBeNull();
    expect(staff.querySelector('[data-testid="new-file-form"]')).toBeNull();
  });
});

describe('names from codes', () => {
  it('shows a class and a section by name in the current language, else the code', () => {
    const classes = [{ code: '5y', name: '5年', name_en: '5 years' }];
    expect(classLabel('5y', classes, 'ja')).toBe('5年');
    expect(classLabel('5y', classes, 'en')).toBe('5 years');
    expect(classLabel('9y', classes, 'ja')).toBe('9y');
    expect(classLabel(null, classes, 'ja')).toBe('—');
    expect(sectionLabel('zaisei', [{ code: 'zaisei', name: '財政課', name_en: 'Finance' }], 'en')).toBe('Finance');
  });
});

describe('retention under the document page', () => {
  it('shows a filed document on hold with its lock; officers may (re)classify it', async () => {
    const host = await render(createElement(DocumentPanel, { id: '1' }), 'records_officer');
    const panel = host.querySelector('[data-testid="document-retention"]')!;
    expect(panel.textContent).toContain('保留中（満了しません）');
    expect(panel.textContent).toContain('リーガルホールド');
    expect(panel.querySelector('a')?.getAttribute('href')).toBe('/retention/files/7');
    expect(host.querySelector('[data-testid="document-classify"]')).not.toBeNull();
  });
  it('says an unfiled document is not in a file (officer) and shows nothing to staff', async () => {
    const officer = await render(createElement(DocumentPanel, { id: '2' }), 'records_officer');
    expect(officer.textContent).toContain('まだファイルに入っていません。');
    document.body.innerHTML = '';
    const staff = await render(createElement(DocumentPanel, { id: '2' }), 'staff');
    expect(staff.querySelector('[data-testid="document-retention"]')).toBeNull();
    document.body.innerHTML = '';
    const reader = await render(createElement(DocumentPanel, { id: '1' }), 'staff');
    expect(reader.querySelector('[data-testid="document-retention"]')).not.toBeNull();
    expect(reader.querySelector('[data-testid="document-classify"]')).toBeNull();
  });
});

describe('bulk action on search results', () => {
  it('lets an officer pick results (not deleted ones) and needs a file before it acts; staff see nothing', async () => {
    const hits = [
      { id: 1, title: '契約書 A' },
      { id: 2, title: '契約書 B' },
      { id: 3, title: '削除済み', deleted: true },
    ];
    const host = await render(createElement(BulkClassify, { hits }), 'records_officer');
    const panel = host.querySelector('[data-testid="bulk-classify"]')!;
    const labels = [...panel.querySelectorAll('label.check span')].map((s) => s.textContent);
    expect(labels).toEqual(['すべて選ぶ', '契約書 A', '契約書 B']);
    await act(async () => (panel.querySelector('label.check input') as HTMLInputElement).click());
    const button = [...panel.querySelectorAll('button')].find((b) => b.textContent?.startsWith('このファイルに入れる'))!;
    expect(button.textContent).toBe('このファイルに入れる (2)');
    expect(button.disabled).toBe(true);
    document.body.innerHTML = '';
    const staff = await render(createElement(BulkClassify, { hits }), 'staff');
    expect(staff.querySelector('[data-testid="bulk-classify"]')).toBeNull();
  });
});
