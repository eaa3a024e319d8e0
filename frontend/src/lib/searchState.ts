/** The search page's state ⇄ the URL query string (bookmarkable) ⇄ the API's parameters. */
import { parseAmount, toHalfWidthDigits } from './format';

export interface SearchState {
  q: string;
  department: string[];
  document_type: string[];
  fiscal_year: string[];
  date_from: string;
  date_to: string;
  amount_min: string;
  amount_max: string;
  counterparty: string;
  sort: '' | 'relevance' | 'date' | 'date_asc';
  page: number;
}

export const EMPTY_SEARCH: SearchState = {
  q: '',
  department: [],
  document_type: [],
  fiscal_year: [],
  date_from: '',
  date_to: '',
  amount_min: '',
  amount_max: '',
  counterparty: '',
  sort: '',
  page: 1,
};

const LISTS = ['department', 'document_type', 'fiscal_year'] as const;
const SCALARS = ['q', 'date_from', 'date_to', 'amount_min', 'amount_max', 'counterparty'] as const;
const SORTS = ['relevance', 'date', 'date_asc'];
const ISO = /^\d{4}-\d{2}-\d{2}$/;

export const PAGE_SIZE = 20;

function listOf(params: URLSearchParams, name: string): string[] {
  const values: string[] = [];
  for (const raw of params.getAll(name)) {
    for (const v of raw.split(/[,、]/)) {
      const t = v.trim();
      if (t && !values.includes(t)) values.push(t);
    }
  }
  return values;
}

export function parseSearch(search: string | URLSearchParams): SearchState {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const state: SearchState = { ...EMPTY_SEARCH, department: [], document_type: [], fiscal_year: [] };
  for (const name of SCALARS) state[name] = (params.get(name) ?? '').trim();
  for (const name of LISTS) state[name] = listOf(params, name);
  state.department = state.department.filter((v) => /^\d+$/.test(v));
  state.fiscal_year = state.fiscal_year.filter((v) => /^\d{4}$/.test(v));
  state.amount_min = parseAmount(state.amount_min);
  state.amount_max = parseAmount(state.amount_max);
  if (!ISO.test(state.date_from)) state.date_from = '';
  if (!ISO.test(state.date_to)) state.date_to = '';
  const sort = params.get('sort') ?? '';
  state.sort = (SORTS.includes(sort) ? sort : '') as SearchState['sort'];
  const page = Number(toHalfWidthDigits(params.get('page') ?? '1'));
  state.page = Number.isInteger(page) && page >= 1 ? page : 1;
  return state;
}

/** The page's own query string: defaults left out, so equal searches give equal URLs. */
export function searchToQuery(state: SearchState): string {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set('q', state.q.trim());
  for (const name of LISTS) for (const v of state[name]) params.append(name, v);
  for (const name of SCALARS) {
    if (name === 'q') continue;
    const v = state[name].trim();
    if (v) params.set(name, v);
  }
  if (state.sort) params.set('sort', state.sort);
  if (state.page > 1) params.set('page', String(state.page));
  return params.toString();
}

/** Parameters for GET /api/search/. */
export function searchToApiQuery(state: SearchState, pageSize = PAGE_SIZE): string {
  const query = searchToQuery(state);
  const params = new URLSearchParams(query);
  params.set('page_size', String(pageSize));
  return params.toString();
}

export function hasCriteria(state: SearchState): boolean {
  return (
    state.q.trim() !== '' ||
    LISTS.some((n) => state[n].length > 0) ||
    SCALARS.some((n) => n !== 'q' && state[n].trim() !== '')
  );
}

/** A change of any criterion starts again at page 1. */
export function withChange(state: SearchState, change: Partial<SearchState>): SearchState {
  return { ...state, page: 1, ...change };
}

export function toggle(values: string[], value: string): string[] {
  return values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
}

/**
 * The words of a query to highlight in a document (the same syntax as the server's query
 * language, see search/query.py): operators, field prefixes and negated terms dropped,
 * quoted phrases kept whole.
 */
export function queryTerms(q: string): string[] {
  const text = q.normalize('NFKC');
  const terms: string[] = [];
  const token = /(-?)(?:([^\s():"「“『]+?):)?(?:"([^"]*)"|「([^」]*)」|“([^”]*)”|『([^』]*)』|([^\s()"「」“”『』]+))/gu;
  let negateNext = false;
  for (const m of text.matchAll(token)) {
    const [, minus, , ...groups] = m;
    const value = groups.find((g) => g !== undefined) ?? '';
    const quoted = groups.slice(0, 4).some((g) => g !== undefined);
    if (!quoted && (value === 'AND' || value === 'OR')) continue;
    if (!quoted && value === 'NOT') {
      negateNext = true;
      continue;
    }
    const negated = minus === '-' || negateNext;
    negateNext = false;
    const term = value.trim();
    if (!negated && term && !terms.includes(term)) terms.push(term);
  }
  return terms;
}
