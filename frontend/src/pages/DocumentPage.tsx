import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type FormEvent, type ReactElement } from 'react';
import { departmentName, useLang, useSession } from '../context';
import {
  downloadUrl,
  errorMessage,
  fieldErrors,
  getDocument,
  getHistory,
  getStatuses,
  getVersions,
  retryDocument,
  updateDocument,
  type DocumentDetail,
  type HistoryEntry,
  type Version,
} from '../lib/api';
import { formatBytes, formatDate, formatDateTime, formatFiscalYear, formatYen, parseAmount } from '../lib/format';
import { hasKey } from '../lib/i18n';
import { mayChange } from '../lib/permissions';
import { queryTerms } from '../lib/searchState';
import { findMatches } from '../lib/textMatch';
import { Link, useRouter } from '../router';
import { lastSearchUrl } from '../lib/lastSearch';
import { ErrorMessage, Spinner, StatusBadge } from '../components/ui';
import type { PdfHit } from '../components/PdfViewer';

const PdfViewer = lazy(() => import('../components/PdfViewer'));
// Extracted values with their sources and confirm/correct (dms/counterparties): its own chunk.
const ExtractedPanel = lazy(() => import('./counterparties/ExtractedPanel'));

type Load<T> = { kind: 'loading' } | { kind: 'error'; error: unknown } | { kind: 'done'; data: T };

export default function DocumentPage({ id }: { id: string }) {
  const { t, lang } = useLang();
  const { search } = useRouter();
  const q = new URLSearchParams(search).get('q') ?? '';
  const terms = useMemo(() => queryTerms(q), [q]);
  const [doc, setDoc] = useState<Load<DocumentDetail>>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [hits, setHits] = useState<PdfHit[] | null>(null);
  const [activeHit, setActiveHit] = useState<number | null>(null);
  const [viewerError, setViewerError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    setDoc({ kind: 'loading' });
    getDocument(id, controller.signal).then(
      (data) => setDoc({ kind: 'done', data }),
      (error) => (error as Error)?.name !== 'AbortError' && setDoc({ kind: 'error', error }),
    );
    return () => controller.abort();
  }, [id, attempt]);

  // While the document is still being processed, look again every few seconds.
  const status = doc.kind === 'done' ? doc.data.status : null;
  useEffect(() => {
    if (status !== 'queued' && status !== 'processing') return;
    // Only the status is polled (opening the document again would be an audited view).
    const timer = setInterval(() => {
      getStatuses([Number(id)]).then((docs) => {
        const next = docs.get(Number(id));
        if (next && next.status !== status) getDocument(id).then((data) => setDoc({ kind: 'done', data }), () => undefined);
      }, () => undefined);
    }, 3000);
    return () => clearInterval(timer);
  }, [id, status]);

  const title = doc.kind === 'done' ? doc.data.title || t('doc.untitled') : '';
  useEffect(() => {
    if (title) document.title = `${title} — ${t('app.name')}`;
  }, [title, t]);

  const onHits = useCallback((found: PdfHit[]) => {
    setHits(found);
    setActiveHit(found.length ? 0 : null);
  }, []);

  if (doc.kind === 'loading') return <Spinner label={t('common.loading')} />;
  if (doc.kind === 'error') {
    const notFound = (doc.error as { status?: number })?.status === 404;
    return (
      <div className="document-page">
        <BackLink q={q} />
        <ErrorMessage onRetry={notFound ? undefined : () => setAttempt((n) => n + 1)}>
          {notFound ? t('doc.notFound') : errorMessage(doc.error, lang)}
        </ErrorMessage>
      </div>
    );
  }
  const data = doc.data;
  const latest = data.versions[data.versions.length - 1];
  const isPdf = latest?.media_type === 'application/pdf';
  const viewable = data.status === 'ready' || isPdf;

  return (
    <div className="document-page">
      <div className="document-page__head">
        <BackLink q={q} />
        <h1 className="page-title">{title}</h1>
        <div className="document-page__badges">
          <StatusBadge status={data.status} />
          {data.frozen && <span className="badge badge--neutral">{t('doc.frozen')}</span>}
        </div>
        {data.status === 'failed' && (
          <FailedNotice doc={data} onRetried={(next) => setDoc({ kind: 'done', data: next })} />
        )}
      </div>
      <div className="document-layout">
        <section className="document-layout__viewer" aria-label={t('doc.viewer')}>
          {!viewable && (
            <div className="empty-state empty-state--panel">
              <Spinner label={t('doc.notReady')} />
            </div>
          )}
          {viewable && viewerError === null && (
            <Suspense
              fallback={
                <div className="pdf-viewer-frame">
                  <Spinner label={t('doc.loadingPdf')} />
                </div>
              }
            >
              <PdfViewer
                url={downloadUrl(data.id, 'archive')}
                terms={terms}
                activeHit={activeHit}
                onHits={onHits}
                onError={setViewerError}
              />
            </Suspense>
          )}
          {viewerError !== null && <ErrorMessage>{isPdf || data.status === 'ready' ? t('doc.pdfFailed') : t('doc.notPdf')}</ErrorMessage>}
        </section>
        <div className="document-layout__side">
          {terms.length > 0 && viewable && (
            <HitList terms={terms} hits={hits} active={activeHit} onSelect={setActiveHit} />
          )}
          <MetadataPanel doc={data} onSaved={(next) => setDoc({ kind: 'done', data: next })} />
          {data.status === 'ready' && (
            <Suspense fallback={null}>
              <ExtractedValues doc={data} onChanged={() => getDocument(id).then((next) => setDoc({ kind: 'done', data: next }), () => undefined)} />
            </Suspense>
          )}
          <section className="panel" aria-labelledby="downloads-heading">
            <h2 id="downloads-heading" className="panel__title">
              {t('doc.downloads')}
            </h2>
            <div className="button-row">
              <a className="button" href={downloadUrl(data.id, 'original')} download>
                {t('doc.downloadOriginal')}
                {latest && <span className="muted small"> ({formatBytes(latest.size, lang)})</span>}
              </a>
              {(data.status === 'ready' || isPdf) && (
                <a className="button" href={downloadUrl(data.id, 'archive')} download>
                  {t('doc.downloadArchive')}
                </a>
              )}
            </div>
          </section>
          <ContentPanel content={data.content} terms={terms} />
          <VersionsPanel id={data.id} key={`v-${data.versions.length}-${data.status}`} />
          <HistoryPanel id={data.id} key={`h-${data.status}-${data.title}`} />
        </div>
      </div>
    </div>
  );
}

function BackLink({ q }: { q: string }) {
  const { t } = useLang();
  return (
    <Link to={lastSearchUrl(q)} className="back-link">
      ← {t('doc.back')}
    </Link>
  );
}

function FailedNotice({ doc, onRetried }: { doc: DocumentDetail; onRetried: (doc: DocumentDetail) => void }) {
  const { t, lang } = useLang();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <div className="alert alert--error" role="alert">
      <span className="alert__icon" aria-hidden="true">
        !
      </span>
      <div className="alert__body">
        <p>
          {t('doc.failed')} {doc.error && <span lang="ja">{doc.error}</span>}
        </p>
        {error !== null && <p>{errorMessage(error, lang)}</p>}
        <button
          type="button"
          className="button button--small"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            retryDocument(doc.id).then(onRetried, (e) => {
              setError(e);
              setBusy(false);
            });
          }}
        >
          {t('upload.retry')}
        </button>
      </div>
    </div>
  );
}

function HitList({ terms, hits, active, onSelect }: { terms: string[]; hits: PdfHit[] | null; active: number | null; onSelect: (n: number) => void }) {
  const { t } = useLang();
  return (
    <section className="panel hits" aria-labelledby="hits-heading">
      <h2 id="hits-heading" className="panel__title">
        {t('doc.hits')} <span className="muted small">{t('doc.hitsFor', { terms: terms.join(' ') })}</span>
      </h2>
      {hits === null && <Spinner inline label={t('common.loading')} />}
      {hits !== null && hits.length === 0 && <p className="muted">{t('doc.noHits')}</p>}
      {hits !== null && hits.length > 0 && (
        <>
          <div className="hits__nav">
            <button type="button" className="button button--small" onClick={() => onSelect(((active ?? 0) - 1 + hits.length) % hits.length)} aria-label={t('doc.prevHit')}>
              ↑ {t('doc.prevHit')}
            </button>
            <span className="hits__position" aria-live="polite">
              {t('doc.hitPosition', { n: (active ?? 0) + 1, total: hits.length })}
            </span>
            <button type="button" className="button button--small" onClick={() => onSelect(((active ?? -1) + 1) % hits.length)} aria-label={t('doc.nextHit')}>
              ↓ {t('doc.nextHit')}
            </button>
          </div>
          <ol className="hits__list">
            {hits.slice(0, 200).map((hit) => (
              <li key={hit.index}>
                <button type="button" className={hit.index === active ? 'hit is-active' : 'hit'} aria-current={hit.index === active ? 'true' : undefined} onClick={() => onSelect(hit.index)}>
                  <span className="hit__page">{t('doc.pageN', { n: hit.page })}</span>
                  <span className="hit__context">{highlightContext(hit.context, hit.term)}</span>
                </button>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

function highlightContext(context: string, term: string) {
  const at = context.indexOf(term);
  if (at < 0) return context;
  return (
    <>
      {context.slice(0, at)}
      <mark>{context.slice(at, at + term.length)}</mark>
      {context.slice(at + term.length)}
    </>
  );
}

function ExtractedValues({ doc, onChanged }: { doc: DocumentDetail; onChanged: () => void }) {
  const { lang } = useLang();
  const { me, departments, documentTypes } = useSession();
  const typeName = (code: string) => {
    const type = documentTypes.find((d) => d.code === code);
    return type ? (lang === 'en' && type.name_en ? type.name_en : type.name) : code;
  };
  const editable = mayChange(me, departments, doc.department, doc.frozen);
  const typeCodes = documentTypes.map((d) => d.code);
  return <ExtractedPanel documentId={doc.id} editable={editable} typeName={typeName} typeCodes={typeCodes} onChanged={onChanged} />;
}

function MetadataPanel({ doc, onSaved }: { doc: DocumentDetail; onSaved: (doc: DocumentDetail) => void }) {
  const { t, lang } = useLang();
  const { me, departments, documentTypes } = useSession();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const editable = mayChange(me, departments, doc.department, doc.frozen);
  const department = departments.find((d) => d.code === doc.department);
  const type = documentTypes.find((d) => d.code === doc.document_type);
  const rows: [string, string][] = [
    [t('doc.documentType'), type ? (lang === 'en' && type.name_en ? type.name_en : type.name) : doc.document_type ?? ''],
    [t('doc.department'), department ? departmentName(department, lang) : doc.department ?? ''],
    [t('doc.documentNumber'), doc.document_number],
    [t('doc.documentDate'), formatDate(doc.metadata.document_date ?? null, lang)],
    [t('doc.amount'), formatYen(doc.metadata.amount ?? null)],
    [t('doc.counterparty'), doc.metadata.counterparty ?? ''],
    [t('doc.fiscalYear'), formatFiscalYear(doc.fiscal_year, lang)],
    [t('doc.createdOn'), formatDate(doc.created_on, lang)],
    [t('doc.pages'), doc.page_count ? String(doc.page_count) : ''],
    [t('doc.retainUntil'), formatDate(doc.retain_until, lang)],
  ];
  return (
    <section className="panel" aria-labelledby="metadata-heading">
      <div className="panel__head">
        <h2 id="metadata-heading" className="panel__title">
          {t('doc.metadata')}
        </h2>
        {editable && !editing && (
          <button type="button" className="button button--small" onClick={() => { setEditing(true); setSaved(false); }}>
            {t('doc.edit')}
          </button>
        )}
      </div>
      {saved && (
        <p className="alert alert--success" role="status">
          {t('doc.saved')}
        </p>
      )}
      {editing ? (
        <MetadataForm
          doc={doc}
          onCancel={() => setEditing(false)}
          onSaved={(next) => {
            setEditing(false);
            setSaved(true);
            onSaved(next);
          }}
        />
      ) : (
        <dl className="meta-list" data-testid="document-facts">
          {rows.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value || <span className="muted">{t('common.none')}</span>}</dd>
            </div>
          ))}
        </dl>
      )}
      {!editable && <p className="muted small">{doc.frozen ? t('doc.frozen') : t('doc.readOnly')}</p>}
    </section>
  );
}

function MetadataForm({ doc, onCancel, onSaved }: { doc: DocumentDetail; onCancel: () => void; onSaved: (doc: DocumentDetail) => void }) {
  const { t, lang } = useLang();
  const { documentTypes } = useSession();
  const [form, setForm] = useState({
    title: doc.title,
    document_type: doc.document_type ?? '',
    document_number: doc.document_number,
    document_date: doc.metadata.document_date ?? '',
    amount: doc.metadata.amount != null ? String(doc.metadata.amount) : '',
    counterparty: doc.metadata.counterparty ?? '',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errors = fieldErrors(error);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const amount = parseAmount(form.amount);
    try {
      onSaved(
        await updateDocument(doc.id, {
          title: form.title,
          document_type: form.document_type || null,
          document_number: form.document_number,
          document_date: form.document_date || null,
          amount: amount ? Number(amount) : null,
          counterparty: form.counterparty,
        }),
      );
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  const field = (name: keyof typeof form, label: string, input: ReactElement) => (
    <div className="field">
      <label htmlFor={`meta-${name}`}>{label}</label>
      {input}
      {errors[name] && (
        <p className="field__error" id={`meta-${name}-error`}>
          {errors[name].join(' ')}
        </p>
      )}
    </div>
  );
  const props = (name: keyof typeof form) => ({
    id: `meta-${name}`,
    value: form[name],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }),
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `meta-${name}-error` : undefined,
  });
  return (
    <form onSubmit={submit} className="stack" noValidate>
      {error !== null && <ErrorMessage>{errorMessage(error, lang)}</ErrorMessage>}
      {field('title', t('doc.title'), <input {...props('title')} required maxLength={300} />)}
      {field(
        'document_type',
        t('doc.documentType'),
        <select {...props('document_type')}>
          <option value="">{t('common.none')}</option>
          {documentTypes.map((type) => (
            <option key={type.code} value={type.code}>
              {lang === 'en' && type.name_en ? type.name_en : type.name}
            </option>
          ))}
        </select>,
      )}
      {field('document_number', t('doc.documentNumber'), <input {...props('document_number')} maxLength={100} />)}
      {field('document_date', t('doc.documentDate'), <input type="date" {...props('document_date')} />)}
      {field('amount', t('doc.amount'), <input inputMode="numeric" {...props('amount')} />)}
      {field('counterparty', t('doc.counterparty'), <input {...props('counterparty')} maxLength={200} />)}
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? t('doc.saving') : t('doc.save')}
        </button>
        <button type="button" className="button button--ghost" onClick={onCancel} disabled={busy}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The text read from the document (OCR or the PDF's own text), with the terms marked. */
function ContentPanel({ content, terms }: { content: string; terms: string[] }) {
  const { t } = useLang();
  const pieces = useMemo(() => markText(content.slice(0, 20000), terms), [content, terms]);
  return (
    <details className="panel panel--details">
      <summary className="panel__title">{t('doc.content')}</summary>
      {content ? (
        <div className="content-text" lang="ja" tabIndex={0}>
          {pieces.map((piece, i) => (piece.mark ? <mark key={i}>{piece.text}</mark> : <span key={i}>{piece.text}</span>))}
        </div>
      ) : (
        <p className="muted">{t('doc.noContent')}</p>
      )}
    </details>
  );
}

function markText(text: string, terms: string[]): { text: string; mark: boolean }[] {
  const ranges = findMatches([text], terms).flatMap((m) => m.ranges);
  const pieces: { text: string; mark: boolean }[] = [];
  let position = 0;
  for (const { start, end } of ranges) {
    if (start < position) continue;
    if (start > position) pieces.push({ text: text.slice(position, start), mark: false });
    pieces.push({ text: text.slice(start, end), mark: true });
    position = end;
  }
  if (position < text.length) pieces.push({ text: text.slice(position), mark: false });
  return pieces;
}

function VersionsPanel({ id }: { id: number }) {
  const { t, lang } = useLang();
  const [load, setLoad] = useState<Load<Version[]>>({ kind: 'loading' });
  useEffect(() => {
    getVersions(id).then((data) => setLoad({ kind: 'done', data }), (error) => setLoad({ kind: 'error', error }));
  }, [id]);
  return (
    <details className="panel panel--details">
      <summary className="panel__title">{t('doc.versions')}</summary>
      {load.kind === 'loading' && <Spinner inline label={t('common.loading')} />}
      {load.kind === 'error' && <ErrorMessage>{errorMessage(load.error, lang)}</ErrorMessage>}
      {load.kind === 'done' && (
        <ol className="timeline" reversed>
          {[...load.data].reverse().map((v) => (
            <li key={v.number}>
              <strong>{t('doc.version', { n: v.number })}</strong> <span className="muted">{formatDateTime(v.created_at, lang)}</span>
              <div className="small">
                {v.original_filename} · {formatBytes(v.size, lang)} · {t('doc.versionBy', { user: v.created_by })}
              </div>
              {v.comment && <div className="small muted">{v.comment}</div>}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}

function HistoryPanel({ id }: { id: number }) {
  const { t, lang } = useLang();
  const [load, setLoad] = useState<Load<HistoryEntry[]>>({ kind: 'loading' });
  useEffect(() => {
    getHistory(id).then((data) => setLoad({ kind: 'done', data }), (error) => setLoad({ kind: 'error', error }));
  }, [id]);
  const actionLabel = (action: string) => {
    const key = `action.${action}`;
    return hasKey(key) ? t(key) : action;
  };
  return (
    <details className="panel panel--details">
      <summary className="panel__title">{t('doc.history')}</summary>
      {load.kind === 'loading' && <Spinner inline label={t('common.loading')} />}
      {load.kind === 'error' && <ErrorMessage>{errorMessage(load.error, lang)}</ErrorMessage>}
      {load.kind === 'done' && load.data.length === 0 && <p className="muted">{t('doc.noHistory')}</p>}
      {load.kind === 'done' && load.data.length > 0 && (
        <ol className="timeline" reversed>
          {[...load.data].reverse().slice(0, 100).map((entry) => {
            const outcomeKey = `outcome.${entry.outcome}`;
            return (
              <li key={entry.sequence}>
                <strong>{actionLabel(entry.action)}</strong>
                {entry.outcome === 'refused' && hasKey(outcomeKey) && <span className="badge badge--failed"> {t(outcomeKey)}</span>}
                <div className="small muted">
                  {formatDateTime(entry.timestamp, lang)} · {entry.actor === 'system' ? t('actor.system') : entry.actor}
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </details>
  );
}
