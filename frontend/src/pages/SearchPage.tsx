import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { departmentName, useLang, useSession } from '../context';
import { errorMessage, getRecentDocuments, search, type DocumentSummary, type SearchResponse } from '../lib/api';
import { formatDate, formatFiscalYear, formatYen, parseAmount } from '../lib/format';
import { hasCriteria, PAGE_SIZE, parseSearch, searchToApiQuery, searchToQuery, toggle, withChange, type SearchState } from '../lib/searchState';
import { Link, useRouter } from '../router';
import { rememberSearch } from '../lib/lastSearch';
import { SearchBox } from '../components/SearchBox';
import { ErrorMessage, Fragment, Spinner, StatusBadge } from '../components/ui';

// Records officers' bulk action (issue #13): put results into a file; its own chunk.
const BulkClassify = lazy(() => import('./retention/BulkClassify'));

type Load =
  | { kind: 'idle' }
  | { kind: 'loading'; previous: SearchResponse | null }
  | { kind: 'done'; data: SearchResponse; query: string }
  | { kind: 'error'; error: unknown };

export function SearchPage() {
  const { t, lang } = useLang();
  const { search: locationSearch, navigate } = useRouter();
  const state = useMemo(() => parseSearch(locationSearch), [locationSearch]);
  const apiQuery = useMemo(() => (hasCriteria(state) ? searchToApiQuery(state) : ''), [state]);
  const [load, setLoad] = useState<Load>({ kind: 'idle' });
  const [attempt, setAttempt] = useState(0);
  const lastData = useRef<SearchResponse | null>(null);

  useEffect(() => {
    document.title = `${state.q ? `${state.q} — ` : ''}${t('search.title')} — ${t('app.name')}`;
  }, [state.q, t]);
  useEffect(() => rememberSearch(locationSearch), [locationSearch]);

  useEffect(() => {
    if (!apiQuery) {
      setLoad({ kind: 'idle' });
      return;
    }
    const controller = new AbortController();
    setLoad({ kind: 'loading', previous: lastData.current });
    search(apiQuery, controller.signal).then(
      (data) => {
        performance.clearMarks('kiroku:search:response');
        performance.mark('kiroku:search:response');
        lastData.current = data;
        setLoad({ kind: 'done', data, query: apiQuery });
      },
      (error) => {
        if ((error as Error)?.name === 'AbortError') return;
        setLoad({ kind: 'error', error });
      },
    );
    return () => controller.abort();
  }, [apiQuery, attempt]);

  const go = useCallback(
    (next: SearchState, replace = false) => {
      const query = searchToQuery(next);
      navigate(query ? `/?${query}` : '/', { replace });
    },
    [navigate],
  );

  const data = load.kind === 'done' ? load.data : load.kind === 'loading' ? load.previous : null;
  const pages = data ? Math.max(1, Math.ceil(data.count / PAGE_SIZE)) : 1;

  return (
    <div className="search-page">
      <div className="search-page__head">
        <h1 className="page-title">{t('search.title')}</h1>
        <SearchBox value={state.q} onSearch={(q, immediate) => go(withChange(state, { q }), !immediate)} />
      </div>
      <div className="search-layout">
        <Filters state={state} data={data} onChange={(next) => go(next)} />
        <section className="results" aria-labelledby="results-heading" aria-busy={load.kind === 'loading'}>
          <h2 id="results-heading" className="visually-hidden">
            {t('search.results')}
          </h2>
          <ActiveFilters state={state} onChange={(next) => go(next)} />
          {load.kind === 'idle' && (
            <>
              <div className="empty-state">
                <p className="empty-state__title">{t('search.empty')}</p>
                <p className="muted">{t('search.emptyHint')}</p>
              </div>
              <RecentDocuments />
            </>
          )}
          {load.kind === 'error' && (
            <ErrorMessage onRetry={() => setAttempt((n) => n + 1)}>{errorMessage(load.error, lang)}</ErrorMessage>
          )}
          {load.kind === 'loading' && !load.previous && <Spinner label={t('search.loading')} />}
          {data && (
            <>
              <div className="results__bar">
                <p className="results__count" role="status" aria-live="polite">
                  {load.kind === 'loading'
                    ? t('search.loading')
                    : t(data.count === 1 ? 'search.countLabelOne' : 'search.countLabel', { count: data.count.toLocaleString('ja-JP') })}
                </p>
                <div className="field field--inline">
                  <label htmlFor="search-sort">{t('search.sort')}</label>
                  <select
                    id="search-sort"
                    value={state.sort || (state.q ? 'relevance' : 'date')}
                    onChange={(e) => go(withChange(state, { sort: e.target.value as SearchState['sort'] }))}
                  >
                    <option value="relevance">{t('search.sort.relevance')}</option>
                    <option value="date">{t('search.sort.date')}</option>
                    <option value="date_asc">{t('search.sort.date_asc')}</option>
                  </select>
                </div>
              </div>
              {data.count > 0 && <Facets state={state} data={data} onChange={(next) => go(next)} />}
              <ResultList data={data} q={state.q} stale={load.kind === 'loading'} />
              {data.count === 0 && load.kind === 'done' && (
                <div className="empty-state">
                  <p className="empty-state__title">{t('search.noResults')}</p>
                  <p className="muted">{t('search.noResultsHint')}</p>
                </div>
              )}
              {pages > 1 && <Pagination page={state.page} pages={pages} state={state} />}
            </>
          )}
        </section>
      </div>
    </div>
  );
}

function ResultList({ data, q, stale }: { data: SearchResponse; q: string; stale: boolean }) {
  const { t, lang } = useLang();
  const { documentTypes, departments, me } = useSession();
  // Time from the API's answer to the results being in the document (printed by the e2e test).
  useLayoutEffect(() => {
    if (stale || performance.getEntriesByName('kiroku:search:response').length === 0) return;
    performance.mark('kiroku:search:rendered');
    performance.measure('kiroku:search-render', 'kiroku:search:response', 'kiroku:search:rendered');
    performance.clearMarks('kiroku:search:response');
  }, [data, stale]);
  const typeName = (code: string | null) => {
    const type = documentTypes.find((d) => d.code === code);
    return type ? (lang === 'en' && type.name_en ? type.name_en : type.name) : code ?? '';
  };
  if (!data.results.length) return null;
  const start = ((data.page ?? 1) - 1) * (data.page_size ?? PAGE_SIZE);
  return (
    <>
    {(me.role === 'records_officer' || me.role === 'administrator') && <Suspense fallback={null}><BulkClassify hits={data.results} /></Suspense>}
    <ol className={stale ? 'result-list is-stale' : 'result-list'} start={start + 1}>
      {data.results.map((hit) => (
        <li key={hit.id} className="result">
          <h3 className="result__title">
            <Link to={`/documents/${hit.id}${q ? `?q=${encodeURIComponent(q)}` : ''}`}>{hit.title || t('doc.untitled')}</Link>
          </h3>
          <dl className="result__meta">
            {hit.document_type && (
              <div>
                <dt>{t('doc.documentType')}</dt>
                <dd>
                  <span className="tag">{typeName(hit.document_type)}</span>
                </dd>
              </div>
            )}
            {hit.department && (
              <div>
                <dt>{t('doc.department')}</dt>
                <dd>{departmentName(departments.find((d) => d.id === hit.department!.id) ?? hit.department, lang)}</dd>
              </div>
            )}
            {hit.document_date && (
              <div>
                <dt>{t('doc.documentDate')}</dt>
                <dd>{formatDate(hit.document_date, lang)}</dd>
              </div>
            )}
            {hit.amount != null && (
              <div>
                <dt>{t('doc.amount')}</dt>
                <dd className="amount">{formatYen(hit.amount)}</dd>
              </div>
            )}
            {hit.counterparty && (
              <div>
                <dt>{t('doc.counterparty')}</dt>
                <dd>{hit.counterparty}</dd>
              </div>
            )}
            {hit.status !== 'ready' && (
              <div>
                <dt>{t('doc.status')}</dt>
                <dd>
                  <StatusBadge status={hit.status} />
                </dd>
              </div>
            )}
            {hit.deleted && (
              <div>
                <dd>
                  <span className="badge badge--failed">{t('search.deleted')}</span>
                </dd>
              </div>
            )}
          </dl>
          {hit.highlights.length > 0 && (
            <ul className="result__fragments">
              {hit.highlights.map((fragment, i) => (
                <li key={i}>
                  <Fragment html={fragment} />
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
    </>
  );
}

function Pagination({ page, pages, state }: { page: number; pages: number; state: SearchState }) {
  const { t } = useLang();
  const href = (p: number) => {
    const query = searchToQuery({ ...state, page: p });
    return query ? `/?${query}` : '/';
  };
  const numbers: number[] = [];
  for (let p = Math.max(1, page - 2); p <= Math.min(pages, page + 2); p++) numbers.push(p);
  return (
    <nav className="pagination" aria-label={t('search.pagination')}>
      {page > 1 ? (
        <Link to={href(page - 1)} className="button" rel="prev">
          ← {t('search.prev')}
        </Link>
      ) : (
        <span className="button is-disabled" aria-hidden="true">
          ← {t('search.prev')}
        </span>
      )}
      <ul>
        {numbers.map((p) => (
          <li key={p}>
            {p === page ? (
              <span className="pagination__current" aria-current="page">
                {p}
              </span>
            ) : (
              <Link to={href(p)} aria-label={t('search.page', { page: p, pages })}>
                {p}
              </Link>
            )}
          </li>
        ))}
      </ul>
      <span className="pagination__label">{t('search.page', { page, pages })}</span>
      {page < pages ? (
        <Link to={href(page + 1)} className="button" rel="next">
          {t('search.next')} →
        </Link>
      ) : (
        <span className="button is-disabled" aria-hidden="true">
          {t('search.next')} →
        </span>
      )}
    </nav>
  );
}

function Filters({ state, data, onChange }: { state: SearchState; data: SearchResponse | null; onChange: (next: SearchState) => void }) {
  const { t, lang } = useLang();
  const { departments, documentTypes } = useSession();
  const [draft, setDraft] = useState(() => withGrouping(state));
  useEffect(() => setDraft(withGrouping(state)), [state]);
  // Open beside the results on wide screens; folded above them on narrow ones.
  const [open, setOpen] = useState(() => typeof window.matchMedia !== 'function' || window.matchMedia('(min-width: 901px)').matches);
  const facets = data?.facets ?? {};
  const departmentCount = new Map((facets.department ?? []).map((f) => [String(f.id), f.count]));
  const typeCount = new Map((facets.document_type ?? []).map((f) => [f.code, f.count]));
  const yearCount = new Map((facets.fiscal_year ?? []).map((f) => [String(f.year), f.count]));
  const thisYear = new Date().getMonth() < 3 ? new Date().getFullYear() - 1 : new Date().getFullYear();
  const years = new Set<string>([...yearCount.keys(), ...state.fiscal_year]);
  for (let y = thisYear; y > thisYear - 10; y--) years.add(String(y));
  const sortedYears = [...years].sort((a, b) => Number(b) - Number(a));
  const count = (n: number | undefined) => (n === undefined ? '' : ` (${n})`);
  const depth = (id: number | null): number => {
    let level = 0;
    let node = departments.find((d) => d.id === id);
    while (node?.parent != null && level < 5) {
      level += 1;
      node = departments.find((d) => d.id === node!.parent);
    }
    return level;
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange(
      withChange(state, {
        date_from: draft.date_from,
        date_to: draft.date_to,
        amount_min: parseAmount(draft.amount_min),
        amount_max: parseAmount(draft.amount_max),
        counterparty: draft.counterparty.trim(),
      }),
    );
  };
  return (
    <aside aria-labelledby="filters-heading">
      <details className="filters" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="filters__title">
        <h2 id="filters-heading" className="filters__heading">
          {t('search.filters')}
        </h2>
      </summary>
      <form onSubmit={submit} className="stack">
        <div className="field">
          <label htmlFor="filter-department">{t('search.department')}</label>
          <select
            id="filter-department"
            value={state.department[0] ?? ''}
            onChange={(e) => onChange(withChange(state, { department: e.target.value ? [e.target.value] : [] }))}
          >
            <option value="">{t('search.any')}</option>
            {departments.map((d) => (
              <option key={d.id} value={String(d.id)}>
                {'\u3000'.repeat(depth(d.id))}
                {departmentName(d, lang)}
                {count(departmentCount.get(String(d.id)))}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="field checks">
          <legend>{t('search.documentType')}</legend>
          {documentTypes.length === 0 && <Spinner inline label={t('common.loading')} />}
          <div className="checks__grid">
          {documentTypes.map((type) => {
            const n = typeCount.get(type.code);
            return (
              <label key={type.code} className="check">
                <input
                  type="checkbox"
                  checked={state.document_type.includes(type.code)}
                  onChange={() => onChange(withChange(state, { document_type: toggle(state.document_type, type.code) }))}
                />
                <span>{lang === 'en' && type.name_en ? type.name_en : type.name}</span>
                {n !== undefined && <span className="check__count">{n}</span>}
              </label>
            );
          })}
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor="filter-year">{t('search.fiscalYear')}</label>
          <select
            id="filter-year"
            value={state.fiscal_year[0] ?? ''}
            onChange={(e) => onChange(withChange(state, { fiscal_year: e.target.value ? [e.target.value] : [] }))}
          >
            <option value="">{t('search.any')}</option>
            {sortedYears.map((y) => (
              <option key={y} value={y}>
                {formatFiscalYear(Number(y), lang)}
                {count(yearCount.get(y))}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="field range">
          <legend>{t('search.dateRange')}</legend>
          <div className="range__row range__row--stacked">
            <label>
              <span className="range__label">{t('search.dateFrom')}</span>
              <input type="date" value={draft.date_from} max={draft.date_to || undefined} onChange={(e) => setDraft({ ...draft, date_from: e.target.value })} />
            </label>
            <label>
              <span className="range__label">{t('search.dateTo')}</span>
              <input type="date" value={draft.date_to} min={draft.date_from || undefined} onChange={(e) => setDraft({ ...draft, date_to: e.target.value })} />
            </label>
          </div>
        </fieldset>
        <fieldset className="field range">
          <legend>{t('search.amountRange')}</legend>
          <div className="range__row">
            <label>
              <span className="range__label">{t('search.amountMin')}</span>
              <input
                inputMode="numeric"
                name="amount_min"
                value={draft.amount_min}
                placeholder="0"
                onChange={(e) => setDraft({ ...draft, amount_min: e.target.value })}
                onBlur={(e) => setDraft({ ...draft, amount_min: formatYen(parseAmount(e.target.value) || null).replace('¥', '') })}
              />
            </label>
            <span aria-hidden="true" className="range__dash">
              〜
            </span>
            <label>
              <span className="range__label">{t('search.amountMax')}</span>
              <input
                inputMode="numeric"
                name="amount_max"
                value={draft.amount_max}
                onChange={(e) => setDraft({ ...draft, amount_max: e.target.value })}
                onBlur={(e) => setDraft({ ...draft, amount_max: formatYen(parseAmount(e.target.value) || null).replace('¥', '') })}
              />
            </label>
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor="filter-counterparty">{t('search.counterparty')}</label>
          <input
            id="filter-counterparty"
            value={draft.counterparty}
            placeholder={t('search.counterpartyPlaceholder')}
            onChange={(e) => setDraft({ ...draft, counterparty: e.target.value })}
          />
        </div>
        <div className="filters__actions">
          <button type="submit" className="button button--primary">
            {t('search.apply')}
          </button>
          {hasCriteria({ ...state, q: '' }) && (
            <button type="button" className="button button--ghost" onClick={() => onChange({ ...parseSearch(''), q: state.q })}>
              {t('search.clear')}
            </button>
          )}
        </div>
      </form>
      </details>
    </aside>
  );
}

/** The newest documents the person may see: a calm starting point before any search. */
function RecentDocuments() {
  const { t, lang } = useLang();
  const { departments } = useSession();
  const [items, setItems] = useState<DocumentSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const controller = new AbortController();
    getRecentDocuments(controller.signal).then(
      (data) => setItems(data.results.slice(0, 8)),
      (e) => (e as Error)?.name !== 'AbortError' && setError(e),
    );
    return () => controller.abort();
  }, []);
  if (error !== null) return <ErrorMessage>{errorMessage(error, lang)}</ErrorMessage>;
  if (items === null) return <Spinner inline label={t('common.loading')} />;
  if (!items.length) return null;
  return (
    <section className="recent" aria-labelledby="recent-heading">
      <h2 id="recent-heading" className="recent__title">
        {t('search.recent')}
      </h2>
      <ul className="recent__list">
        {items.map((doc) => {
          const d = departments.find((x) => x.code === doc.department);
          return (
            <li key={doc.id} className="recent__item">
              <Link to={`/documents/${doc.id}`} className="recent__link">
                {doc.title || t('doc.untitled')}
              </Link>
              <span className="muted small">{d ? departmentName(d, lang) : doc.department}</span>
              <span className="muted small">{formatDate(doc.created_at, lang)}</span>
              <StatusBadge status={doc.status} />
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function grouped(digits: string): string {
  return digits ? formatYen(digits).replace('¥', '') : '';
}

function withGrouping(state: SearchState): SearchState {
  return { ...state, amount_min: grouped(state.amount_min), amount_max: grouped(state.amount_max) };
}

/** Counts per department, document type and fiscal year of the current results; a click filters. */
function Facets({ state, data, onChange }: { state: SearchState; data: SearchResponse; onChange: (next: SearchState) => void }) {
  const { t, lang } = useLang();
  const { departments, documentTypes } = useSession();
  const groups: { label: string; values: { key: string; label: string; count: number; pressed: boolean; next: SearchState }[] }[] = [];
  const single = (list: string[], value: string) => (list.includes(value) ? [] : [value]);
  const department = data.facets.department ?? [];
  if (department.length) {
    groups.push({
      label: t('search.department'),
      values: department.map((f) => {
        const d = departments.find((x) => x.id === f.id);
        return {
          key: String(f.id),
          label: d ? departmentName(d, lang) : f.name,
          count: f.count,
          pressed: state.department.includes(String(f.id)),
          next: withChange(state, { department: single(state.department, String(f.id)) }),
        };
      }),
    });
  }
  const types = data.facets.document_type ?? [];
  if (types.length) {
    groups.push({
      label: t('search.documentType'),
      values: types.map((f) => {
        const type = documentTypes.find((x) => x.code === f.code);
        return {
          key: f.code,
          label: type && lang === 'en' && type.name_en ? type.name_en : f.name,
          count: f.count,
          pressed: state.document_type.includes(f.code),
          next: withChange(state, { document_type: toggle(state.document_type, f.code) }),
        };
      }),
    });
  }
  const years = data.facets.fiscal_year ?? [];
  if (years.length) {
    groups.push({
      label: t('search.fiscalYear'),
      values: years.map((f) => ({
        key: String(f.year),
        label: formatFiscalYear(f.year, lang),
        count: f.count,
        pressed: state.fiscal_year.includes(String(f.year)),
        next: withChange(state, { fiscal_year: single(state.fiscal_year, String(f.year)) }),
      })),
    });
  }
  if (!groups.length) return null;
  return (
    <div className="facets">
      {groups.map((group) => (
        <div className="facet" role="group" aria-label={group.label} key={group.label}>
          <span className="facet__label" aria-hidden="true">
            {group.label}
          </span>
          {group.values.map((value) => (
            <button type="button" key={value.key} className="facet__value" aria-pressed={value.pressed} onClick={() => onChange(value.next)}>
              <span>{value.label}</span>
              <span className="facet__count">{value.count.toLocaleString('ja-JP')}</span>
            </button>
          ))}
        </div>
      ))}
    </div>
  );
}

function ActiveFilters({ state, onChange }: { state: SearchState; onChange: (next: SearchState) => void }) {
  const { t, lang } = useLang();
  const { departments, documentTypes } = useSession();
  const chips: { label: string; remove: SearchState }[] = [];
  for (const id of state.department) {
    const d = departments.find((x) => String(x.id) === id);
    chips.push({ label: `${t('search.department')}: ${d ? departmentName(d, lang) : id}`, remove: withChange(state, { department: state.department.filter((v) => v !== id) }) });
  }
  for (const code of state.document_type) {
    const type = documentTypes.find((x) => x.code === code);
    const name = type ? (lang === 'en' && type.name_en ? type.name_en : type.name) : code;
    chips.push({ label: `${t('search.documentType')}: ${name}`, remove: withChange(state, { document_type: state.document_type.filter((v) => v !== code) }) });
  }
  for (const y of state.fiscal_year) {
    chips.push({ label: `${t('search.fiscalYear')}: ${formatFiscalYear(Number(y), lang)}`, remove: withChange(state, { fiscal_year: state.fiscal_year.filter((v) => v !== y) }) });
  }
  if (state.date_from || state.date_to) {
    chips.push({
      label: `${t('search.dateRange')}: ${state.date_from ? formatDate(state.date_from, lang) : ''} 〜 ${state.date_to ? formatDate(state.date_to, lang) : ''}`,
      remove: withChange(state, { date_from: '', date_to: '' }),
    });
  }
  if (state.amount_min || state.amount_max) {
    chips.push({
      label: `${t('search.amountRange')}: ${formatYen(state.amount_min || null)} 〜 ${formatYen(state.amount_max || null)}`,
      remove: withChange(state, { amount_min: '', amount_max: '' }),
    });
  }
  if (state.counterparty) {
    chips.push({ label: `${t('search.counterparty')}: ${state.counterparty}`, remove: withChange(state, { counterparty: '' }) });
  }
  if (!chips.length) return null;
  return (
    <ul className="chips" aria-label={t('search.activeFilters')}>
      {chips.map((chip) => (
        <li key={chip.label} className="chip">
          <span>{chip.label}</span>
          <button type="button" className="chip__remove" aria-label={t('search.removeFilter', { label: chip.label })} onClick={() => onChange(chip.remove)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
