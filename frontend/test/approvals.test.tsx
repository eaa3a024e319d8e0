// The approvals pages' pure parts: wording, action rules, timeline lines, chart geometry.
import { describe, expect, it } from 'vitest';
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { LangProvider } from '../src/context';
import { apTranslate, en, ja, labelOf } from '../src/pages/approvals/i18n';
import { actionLabel, allGreen, barLengths, capacityOf, hours, myTask, NEEDS_COMMENT, STAMPING, taskSummary, TABS } from '../src/pages/approvals/model';
import { BarChart } from '../src/pages/approvals/DashboardPage';
import { localToIso, StampPanel, STAMP_DATE_STYLES } from '../src/pages/approvals/SettingsPage';
import { CaseNotes, NOTE_MAX } from '../src/pages/approvals/CaseNotes';
import type { CaseDetail, Task } from '../src/pages/approvals/client';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const person = (id: number, name: string) => ({ id, username: `u${id}`, display_name: name });
function task(over: Partial<Task>): Task {
  return {
    id: 1,
    assignee: { type: 'post', id: 9, label: '財政課長' },
    holder: person(2, '佐藤'),
    state: 'pending',
    state_label: '未処理',
    state_label_en: 'Pending',
    capacity: '',
    capacity_label: '',
    capacity_label_en: '',
    acted_by: null,
    acted_at: null,
    opened_at: null,
    comment: '',
    post_review: false,
    post_reviewed_at: null,
    ...over,
  };
}

describe('approvals wording', () => {
  it('has every word in both languages, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
    for (const [key, text] of Object.entries(en)) expect(text, key).not.toBe('');
  });
  it('fills parameters and keeps unknown ones visible', () => {
    expect(apTranslate('ja', 'ap.confirmText', { action: '承認' })).toBe('「承認」を行います。よろしいですか。');
    expect(apTranslate('en', 'ap.imported', { m: 1, d: 2, t: 3 })).toBe('Imported (1 matter types, 2 bands, 3 templates).');
    expect(apTranslate('en', 'ap.done')).toBe('"{action}" done.');
  });
  it('has a tab label for every inbox tab of the API', () => {
    expect(TABS).toEqual(['approval', 'consultation', 'post_review', 'circulation', 'drafting', 'returned']);
    expect(TABS.map((tab) => apTranslate('ja', `ap.tab.${tab}`))).toEqual(['承認待ち', '合議待ち', '後閲待ち', '供覧', '起案中', '差戻し']);
  });
  it('takes coded values\' labels from the API in the current language', () => {
    const row = { state: 'in_route', state_label: '回付中', state_label_en: 'In route' };
    expect(labelOf(row, 'state', 'ja')).toBe('回付中');
    expect(labelOf(row, 'state', 'en')).toBe('In route');
    expect(labelOf({ state: 'draft' }, 'state', 'en')).toBe('draft');
  });
});

describe('actions', () => {
  it('names every action of the API and knows which need a comment or place a stamp', () => {
    expect(actionLabel('proxy-decide', 'ja')).toBe('代決');
    expect(actionLabel('post-review', 'en')).toBe('Post-review');
    expect([...NEEDS_COMMENT].sort()).toEqual(['disagree', 'reject', 'return']);
    expect(STAMPING.has('return')).toBe(false);
    expect(STAMPING.has('proxy-decide')).toBe(true);
    expect(capacityOf('proxy-decide', 'ja')).toBe('代決');
    expect(capacityOf('approve', 'ja')).toBe('本人');
  });
  it('finds the task the person acts on, else the open step\'s first', () => {
    const detail = {
      steps: [
        { id: 1, position: 1, kind: 'approval', state: 'done', tasks: [task({ id: 10, state: 'done', holder: person(5, '鈴木') })] },
        { id: 2, position: 2, kind: 'consultation', state: 'open', tasks: [task({ id: 11, holder: person(6, '高橋') }), task({ id: 12, holder: person(7, '伊藤') })] },
      ],
    } as unknown as CaseDetail;
    expect(myTask(detail, 7)?.task.id).toBe(12);
    expect(myTask(detail, 7)?.step.position).toBe(2);
    expect(myTask(detail, 99)?.task.id).toBe(11);
  });
  it('writes a timeline line with the person who acted and the capacity', () => {
    const acted = task({ acted_by: person(3, '山田'), capacity: 'proxy', capacity_label: '代決', capacity_label_en: 'Proxy' });
    expect(taskSummary(acted, 'ja')).toBe('山田（代決）');
    expect(taskSummary(acted, 'en')).toBe('山田（Proxy）');
    expect(taskSummary(task({ holder: null }), 'ja')).toBe('財政課長');
  });
  it('calls the verification green only when every signature holds and none is pending', () => {
    expect(allGreen([])).toBe(false);
    expect(allGreen([{ intact: true }, { intact: true, valid: true }])).toBe(true);
    expect(allGreen([{ intact: true }, { intact: false }])).toBe(false);
    expect(allGreen([{ intact: true }], [{ task: 3 }])).toBe(false);
  });
});

describe('dashboard charts', () => {
  it('scales bars to the largest value and treats missing as empty', () => {
    expect(barLengths([2, 4, null, -1], 100)).toEqual([50, 100, 0, 0]);
    expect(barLengths([0, 0], 100)).toEqual([0, 0]);
    expect(hours(5400)).toBe(1.5);
    expect(hours(null)).toBeNull();
  });
  it('draws one bar per row with its value, against a fixed maximum for rates', () => {
    const container = document.createElement('div');
    const root = createRoot(container);
    act(() =>
      root.render(
        createElement(
          LangProvider,
          null,
          createElement(BarChart, {
            label: 'rate',
            rows: [
              { name: '財政課', value: 0.5 },
              { name: '総務課', value: null },
            ],
            max: 1,
            format: (v: number) => `${v * 100}%`,
          }),
        ),
      ),
    );
    const bars = container.querySelectorAll('rect');
    expect(bars).toHaveLength(2);
    expect(bars[0].getAttribute('width')).toBe('130');
    expect(bars[1].getAttribute('width')).toBe('0');
    expect(container.textContent).toContain('50%');
    expect(container.textContent).toContain('—');
    act(() => root.unmount());
  });
});

describe('absence form', () => {
  it('sends the local date and time as an ISO instant', () => {
    expect(localToIso('2026-12-05T09:30')).toBe(new Date(2026, 11, 5, 9, 30).toISOString());
    expect(localToIso('')).toBe('');
  });
});

describe('rules read-out', () => {
  it('lists the bands and the routes of a rules file, and refuses what is not one', async () => {
    const { summarizeRules } = await import('../src/pages/approvals/model');
    const text = JSON.stringify({
      delegation: [{ matter_type: 'contract', amount_from: null, amount_below: 1000000, level: 'section_chief' }],
      templates: [
        { code: 'std', name: '課長決裁', level: 'section_chief', section: null, steps: [{ kind: 'approval', relative_level: 'subsection_chief', optional: true }, { kind: 'decision', relative_level: 'section_chief' }] },
      ],
    });
    expect(summarizeRules(text)).toEqual({
      bands: [{ matterType: 'contract', from: null, below: 1000000, level: 'section_chief' }],
      routes: [{ code: 'std', name: '課長決裁', level: 'section_chief', section: null, steps: ['approval:subsection_chief?', 'decision:section_chief'] }],
    });
    expect(summarizeRules('{ broken')).toBeNull();
    expect(summarizeRules('3')).toBeNull();
  });
});

describe('備考 after the decision', () => {
  const base = {
    id: 7,
    state: 'decided',
    notes: [
      { id: 41, text: '文書番号 文第123号', line: 0, author: person(3, '山田 花子'), created_at: '2026-12-05T09:00:00+09:00', signature_state: 'pending' },
    ],
    allowed: { actions: [], can_edit: false, can_edit_route: false, can_attach: false, can_comment: true, can_note: true, return_targets: [] },
  } as unknown as CaseDetail;
  function draw(detail: CaseDetail) {
    const container = document.createElement('div');
    const root = createRoot(container);
    act(() => root.render(createElement(LangProvider, null, createElement(CaseNotes, { detail, onAdded: () => undefined }))));
    return { container, root };
  }
  it('lists the notes with author and pending signature, and offers the form to those who may', () => {
    const { container, root } = draw(base);
    expect(container.textContent).toContain('文書番号 文第123号');
    expect(container.textContent).toContain('山田 花子');
    expect(container.textContent).toContain('署名待ち');
    expect(container.textContent).toContain(`${NOTE_MAX}字まで、3行空き`);
    expect(container.querySelector('input[name="new-note"]')).not.toBeNull();
    act(() => root.unmount());
  });
  it('shows no form without the right, and nothing before the decision', () => {
    const { container, root } = draw({ ...base, allowed: { ...base.allowed, can_note: false } });
    expect(container.textContent).toContain('文書番号 文第123号');
    expect(container.querySelector('form')).toBeNull();
    act(() => root.unmount());
    const early = draw({ ...base, state: 'in_route', notes: [] });
    expect(early.container.textContent).toBe('');
    act(() => early.root.unmount());
  });
});

describe('my stamp (settings page)', () => {
  const originalFetch = globalThis.fetch;
  async function settle() {
    for (let i = 0; i < 5; i++) await act(async () => new Promise((r) => setTimeout(r, 5)));
  }
  it('reads the preference, offers the three date styles and saves the choice with PUT', async () => {
    const calls: { method: string; body: unknown }[] = [];
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input) === '/api/auth/csrf/') return new Response(null, { status: 204 });
      expect(String(input)).toBe('/api/approvals/stamp-preference/');
      const method = init?.method ?? 'GET';
      const body = init?.body ? JSON.parse(String(init.body)) : null;
      calls.push({ method, body });
      const answer = method === 'PUT' ? { date_style: 'era_letter', personal_seal: false, ...body } : { date_style: 'era_letter', personal_seal: false };
      return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    try {
      const host = document.createElement('div');
      document.body.appendChild(host);
      const root = createRoot(host);
      await act(async () => root.render(createElement(LangProvider, null, createElement(StampPanel))));
      await settle();
      const style = host.querySelector('select[name="date_style"]') as HTMLSelectElement;
      expect(Array.from(style.options).map((o) => o.textContent)).toEqual(STAMP_DATE_STYLES.map((s) => s.sample));
      expect(host.textContent).toContain('自分の印影');
      const kind = host.querySelector('select[name="personal_seal"]') as HTMLSelectElement;
      await act(async () => {
        kind.value = 'personal';
        kind.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await act(async () => {
        (host.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
      });
      await settle();
      expect(calls.map((c) => c.method)).toEqual(['GET', 'PUT']);
      expect(calls[1].body).toEqual({ date_style: 'era_letter', personal_seal: true });
      expect(host.querySelector('[role="status"]')?.textContent).toBe('保存しました。');
      act(() => root.unmount());
    } finally {
      globalThis.fetch = originalFetch;
    }
  });
  it('stays hidden where signing is not installed (404)', async () => {
    globalThis.fetch = (async () =>
      new Response(JSON.stringify({ error: 'not_found', message: '', message_en: '' }), { status: 404, headers: { 'content-type': 'application/json' } })) as typeof fetch;
    try {
      const host = document.createElement('div');
      const root = createRoot(host);
      await act(async () => root.render(createElement(LangProvider, null, createElement(StampPanel))));
      await settle();
      expect(host.textContent).toBe('');
      act(() => root.unmount());
    } finally {
      globalThis.fetch = originalFetch;
    }
  });
});
