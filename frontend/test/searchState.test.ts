import { describe, expect, it } from 'vitest';
import { EMPTY_SEARCH, hasCriteria, parseSearch, queryTerms, searchToApiQuery, searchToQuery, toggle, withChange } from '../src/lib/searchState';

describe('search state in the URL', () => {
  it('round-trips every field', () => {
    const state = {
      ...EMPTY_SEARCH,
      q: '補助金 申請',
      department: ['3', '5'],
      document_type: ['contract'],
      fiscal_year: ['2024'],
      date_from: '2024-04-01',
      date_to: '2025-03-31',
      amount_min: '100000',
      amount_max: '2000000',
      counterparty: '株式会社みらい',
      sort: 'date' as const,
      page: 3,
    };
    const query = searchToQuery(state);
    expect(parseSearch(query)).toEqual(state);
    expect(parseSearch(`?${query}`)).toEqual(state);
  });
  it('leaves defaults out so equal searches have equal URLs', () => {
    expect(searchToQuery(EMPTY_SEARCH)).toBe('');
    expect(searchToQuery({ ...EMPTY_SEARCH, q: ' 予算 ' })).toBe('q=%E4%BA%88%E7%AE%97');
    expect(searchToQuery({ ...EMPTY_SEARCH, q: 'x', page: 1 })).toBe('q=x');
  });
  it('drops malformed values from hand-edited URLs', () => {
    const state = parseSearch('department=abc&department=4&fiscal_year=20&date_from=yesterday&page=-2&sort=bogus&amount_min=¥1,000');
    expect(state.department).toEqual(['4']);
    expect(state.fiscal_year).toEqual([]);
    expect(state.date_from).toBe('');
    expect(state.page).toBe(1);
    expect(state.sort).toBe('');
    expect(state.amount_min).toBe('1000');
  });
  it('accepts comma separated lists (also the Japanese comma)', () => {
    expect(parseSearch('document_type=a,b&document_type=c、a').document_type).toEqual(['a', 'b', 'c']);
  });
  it('adds the page size for the API', () => {
    expect(searchToApiQuery({ ...EMPTY_SEARCH, q: 'a', page: 2 })).toBe('q=a&page=2&page_size=20');
  });
  it('knows when there is something to search for', () => {
    expect(hasCriteria(EMPTY_SEARCH)).toBe(false);
    expect(hasCriteria({ ...EMPTY_SEARCH, q: '  ' })).toBe(false);
    expect(hasCriteria({ ...EMPTY_SEARCH, amount_min: '1' })).toBe(true);
    expect(hasCriteria({ ...EMPTY_SEARCH, department: ['1'] })).toBe(true);
  });
  it('goes back to page 1 when a criterion changes', () => {
    expect(withChange({ ...EMPTY_SEARCH, page: 4 }, { q: 'x' }).page).toBe(1);
    expect(toggle(['a', 'b'], 'a')).toEqual(['b']);
    expect(toggle(['a'], 'b')).toEqual(['a', 'b']);
  });
});

describe('query terms to highlight in a document', () => {
  it('splits words and keeps phrases', () => {
    expect(queryTerms('給付金 申請')).toEqual(['給付金', '申請']);
    expect(queryTerms('"特別定額給付金 申請" 子育て')).toEqual(['特別定額給付金 申請', '子育て']);
    expect(queryTerms('「防災 計画」')).toEqual(['防災 計画']);
  });
  it('drops operators, negations and field prefixes', () => {
    expect(queryTerms('申請 OR 届出 AND NOT 廃止 -削除')).toEqual(['申請', '届出']);
    expect(queryTerms('title:予算 取引先:"ABC株式会社"')).toEqual(['予算', 'ABC株式会社']);
  });
  it('normalises full-width input', () => {
    expect(queryTerms('ＡＢＣ　予算')).toEqual(['ABC', '予算']);
  });
});
