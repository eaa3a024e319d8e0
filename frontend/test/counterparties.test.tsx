// The extracted values panel and the counterparties page: wording, value display, sources,
// corrections as sent, and the clicks that confirm, correct and merge.
import { describe, expect, it } from 'vitest';
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { LangProvider } from '../src/context';
import { en, ja } from '../src/pages/counterparties/i18n';
import { parseAliases, type Counterparty, type ExtractedValue } from '../src/pages/counterparties/client';
import { correctionValue, displayValue, ExtractedList, sourceText } from '../src/pages/counterparties/ExtractedPanel';
import { CounterpartyTable } from '../src/pages/counterparties/CounterpartiesPage';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

function value(over: Partial<ExtractedValue>): ExtractedValue {
  return {
    field: 'counterparty',
    field_label: '取引先',
    value: '湊川ハーバー印刷株式会社',
    read_as: '湊川ハーパー印刷株式会社',
    source: 'registry_fuzzy',
    source_label: '登録済み取引先への近似一致',
    detail: '',
    line: 4,
    confirmed: false,
    updated_at: '2026-12-05T09:00:00+09:00',
    ...over,
  };
}

function mount(element: ReturnType<typeof createElement>) {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const root = createRoot(container);
  act(() => root.render(createElement(LangProvider, null, element)));
  return { container, unmount: () => act(() => root.unmount()) };
}

const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 0)));

describe('wording', () => {
  it('has every word in both languages, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
    for (const [key, text] of Object.entries(en)) expect(text, key).not.toBe('');
  });
});

describe('extracted values', () => {
  it('says where a value came from, with its line and what was read', () => {
    expect(sourceText(value({}), 'ja')).toBe('登録済み取引先への近似一致 · 4行目 · 読み取り: 湊川ハーパー印刷株式会社');
    expect(sourceText(value({ source: 'identifier', line: null, read_as: '' }), 'en')).toBe('Registration or corporate number');
    expect(sourceText(value({ source: 'something_new', line: null, read_as: '' }), 'en')).toBe('something_new');
  });
  it('shows dates, yen and type names as a clerk reads them', () => {
    expect(displayValue({ field: 'amount', value: 110000 }, 'ja')).toContain('110,000');
    expect(displayValue({ field: 'document_date', value: '2024-04-01' }, 'ja')).toContain('2024');
    expect(displayValue({ field: 'document_type', value: 'invoice' }, 'ja', () => '請求書')).toBe('請求書');
    expect(displayValue({ field: 'counterparty', value: null }, 'ja')).toBe('');
  });
  it('sends amounts as numbers (full-width digits, 円 and separators allowed) and empty as null', () => {
    expect(correctionValue('amount', '１１０，０００円')).toBe(110000);
    expect(correctionValue('amount', '百円')).toBe('百円'); // the server explains the refusal
    expect(correctionValue('document_date', ' ')).toBeNull();
    expect(correctionValue('counterparty', '')).toBe('');
    expect(correctionValue('title', ' 4月分印刷代 ')).toBe('4月分印刷代');
  });
  it('confirms with one click and corrects inline', async () => {
    const calls: unknown[] = [];
    const view = mount(
      createElement(ExtractedList, {
        values: [value({}), value({ field: 'amount', value: null, source: 'none', read_as: '', line: null })],
        editable: true,
        onConfirm: async (field) => calls.push(['confirm', field]),
        onCorrect: async (field, v) => calls.push(['correct', field, v]),
      }),
    );
    const row = view.container.querySelector('[data-testid="extracted-counterparty"]')!;
    expect(row.textContent).toContain('湊川ハーバー印刷株式会社');
    const amount = view.container.querySelector('[data-testid="extracted-amount"]')!;
    expect(amount.textContent).toContain('見つかりませんでした');
    // nothing to confirm where nothing was found
    expect([...amount.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['訂正']);
    act(() => (row.querySelector('button') as HTMLButtonElement).click());
    await settle();
    expect(calls).toEqual([['confirm', 'counterparty']]);
    act(() => ([...amount.querySelectorAll('button')].find((b) => b.textContent === '訂正') as HTMLButtonElement).click());
    const input = view.container.querySelector('[data-testid="extracted-amount"] input') as HTMLInputElement;
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    act(() => {
      setter.call(input, '110,000');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    act(() => (view.container.querySelector('[data-testid="extracted-amount"] form') as HTMLFormElement).requestSubmit());
    await settle();
    expect(calls).toEqual([['confirm', 'counterparty'], ['correct', 'amount', 110000]]);
    view.unmount();
  });
  it('offers no buttons to someone who may not change the document', () => {
    const view = mount(createElement(ExtractedList, { values: [value({})], editable: false, onConfirm: async () => 0, onCorrect: async () => 0 }));
    expect(view.container.querySelectorAll('button')).toHaveLength(0);
    view.unmount();
  });
});

describe('counterparties page', () => {
  const rows: Counterparty[] = [
    { id: 1, name: '湊川ハーバー印刷株式会社', key: '', corporate_number: '', invoice_number: 'T1234567890123', aliases: ['湊川ハーバー印届株式会社'], algorithm: 'none', match: '', updated_at: '' },
    { id: 2, name: 'ミナトハーバー印刷㈱', key: '', corporate_number: '', invoice_number: '', aliases: [], algorithm: 'none', match: '', updated_at: '' },
  ];
  it('splits other names on 、, commas and new lines, without blanks or repeats', () => {
    expect(parseAliases('みなと印刷、ミナト印刷,\nみなと印刷\n ')).toEqual(['みなと印刷', 'ミナト印刷']);
  });
  it('lists names, T番号 and other names; a clerk cannot merge', () => {
    const view = mount(createElement(CounterpartyTable, { rows, mayMerge: false, onSave: async () => 0, onMerge: async () => 0 }));
    expect(view.container.querySelector('[data-testid="counterparty-1"]')!.textContent).toContain('T1234567890123');
    expect(view.container.textContent).toContain('湊川ハーバー印届株式会社');
    expect(view.container.querySelectorAll('input[type="checkbox"]')).toHaveLength(0);
    view.unmount();
  });
  it('lets a records officer merge the selected duplicate into another entry', async () => {
    const merges: unknown[] = [];
    const view = mount(
      createElement(CounterpartyTable, { rows, mayMerge: true, onSave: async () => 0, onMerge: async (into, ids) => merges.push([into, ids]) }),
    );
    const duplicate = view.container.querySelector('[data-testid="counterparty-2"] input[type="checkbox"]') as HTMLInputElement;
    act(() => duplicate.click());
    const target = view.container.querySelector('[data-testid="counterparty-1"]')!;
    const merge = [...target.querySelectorAll('button')].find((b) => b.textContent?.includes('統合')) as HTMLButtonElement;
    act(() => merge.click());
    await settle();
    expect(merges).toEqual([[1, [2]]]);
    view.unmount();
  });
});

describe('document type correction', () => {
  it('offers the configured types by name and sends the chosen code', async () => {
    const calls: unknown[] = [];
    const names: Record<string, string> = { invoice: '請求書', contract: '契約書' };
    const view = mount(
      createElement(ExtractedList, {
        values: [value({ field: 'document_type', value: null, source: 'none', read_as: '', line: null })],
        editable: true,
        typeName: (code: string) => names[code] ?? code,
        typeCodes: ['invoice', 'contract'],
        onConfirm: async () => 0,
        onCorrect: async (field, v) => calls.push([field, v]),
      }),
    );
    act(() => (view.container.querySelector('button') as HTMLButtonElement).click());
    const select = view.container.querySelector('select') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['', '請求書', '契約書']);
    act(() => {
      select.value = 'contract';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    act(() => (view.container.querySelector('form') as HTMLFormElement).requestSubmit());
    await settle();
    expect(calls).toEqual([['document_type', 'contract']]);
    view.unmount();
  });
});
