/**
 * 廃棄・移管の記録: what remains of destroyed and transferred files (their register row,
 * each version's SHA-256, who decided, when, how), searchable by file title or document ID.
 */
import { Fragment, useEffect, useState, type FormEvent } from 'react';
import { errorMessage } from '../../lib/api';
import { formatDate } from '../../lib/format';
import { ErrorMessage, Spinner } from '../../components/ui';
import { getTombstones, type Page, type Tombstone } from './client';
import { useRt, type RtKey } from './i18n';
import { RetentionNav } from './Nav';

export function tombstonesQuery(q: string, document: string, page: number): string {
  const query = new URLSearchParams();
  if (q.trim()) query.set('q', q.trim());
  if (/^\d+$/.test(document.trim())) query.set('document', document.trim());
  if (page > 1) query.set('page', String(page));
  return query.toString();
}

export default function TombstonesPage() {
  const { t, lang } = useRt();
  const initial = new URLSearchParams(window.location.search);
  const [q, setQ] = useState(initial.get('q') ?? '');
  const [documentId, setDocumentId] = useState(initial.get('document') ?? '');
  const [applied, setApplied] = useState({ q: q, document: documentId, page: 1 });
  const [data, setData] = useState<Page<Tombstone> | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [open, setOpen] = useState<number | null>(null);

  useEffect(() => {
    document.title = `${t('rt.tombstones')} — Kiroku`;
  }, [t]);
  useEffect(() => {
    setFailure(null);
    getTombstones(tombstonesQuery(applied.q, applied.document, applied.page)).then(setData, setFailure);
  }, [applied]);

  const search = (e: FormEvent) => {
    e.preventDefault();
    setApplied({ q, document: documentId, page: 1 });
  };
  const date = (iso: string | null) => (iso ? formatDate(iso, lang) : '—');

  return (
    <div className="retention-page">
      <RetentionNav current="tombstones" />
      <h1 className="page-title">{t('rt.tombstones')}</h1>
      <form className="ap-form__row" onSubmit={search} data-testid="tombstone-search">
        <label className="field">
          <span>{t('rt.title')}</span>
          <input name="q" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('rt.documentId')}</span>
          <input name="document" inputMode="numeric" size={8} value={documentId} onChange={(e) => setDocumentId(e.target.value)} />
        </label>
        <button type="submit" className="button">
          {t('rt.search')}
        </button>
      </form>
      {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
      {!data && failure === null && <Spinner label={t('rt.tombstones')} />}
      {data && (
        <section className="panel" data-testid="tombstone-list">
          {data.results.length === 0 && <p className="muted small">{t('rt.none')}</p>}
          <ul className="ap-list">
            {data.results.map((s) => (
              <li key={s.record_file}>
                <button type="button" className="button button--ghost button--small" aria-expanded={open === s.record_file} onClick={() => setOpen(open === s.record_file ? null : s.record_file)}>
                  {String(s.register_row.title ?? s.record_file)}
                </button>{' '}
                {t(`rt.action.${s.method}` as RtKey)} · {date(s.executed_at)} · {s.decision_reference}
                {open === s.record_file && <TombstoneDetail stone={s} date={date} />}
              </li>
            ))}
          </ul>
          <div className="button-row">
            {data.previous && (
              <button type="button" className="button button--small" onClick={() => setApplied({ ...applied, page: applied.page - 1 })}>
                {t('rt.prev')}
              </button>
            )}
            {data.next && (
              <button type="button" className="button button--small" onClick={() => setApplied({ ...applied, page: applied.page + 1 })}>
                {t('rt.next')}
              </button>
            )}
          </div>
        </section>
      )}
    </div>
  );
}

function TombstoneDetail({ stone, date }: { stone: Tombstone; date: (iso: string | null) => string }) {
  const { t } = useRt();
  const row = stone.register_row;
  const fields: [RtKey, unknown][] = [
    ['rt.fiscalYear', row.fiscal_year],
    ['rt.categoryMajor', row.category_major],
    ['rt.categoryMiddle', row.category_middle],
    ['rt.period', row.period],
    ['rt.baseExpiry', row.expiry],
    ['rt.custodian', row.custodian],
    ['rt.location', row.location],
    ['rt.remarks', row.remarks],
  ];
  return (
    <div className="panel" data-testid="tombstone-detail">
      <dl className="meta-list">
        {fields.map(([key, value]) => (
          <Fragment key={key}>
            <dt>{t(key)}</dt>
            <dd>{value === undefined || value === null || value === '' ? '—' : String(value)}</dd>
          </Fragment>
        ))}
        <>
          <dt>{t('rt.decision')}</dt>
          <dd>
            {stone.decision_reference} ({date(stone.decided_at)}
            {stone.decided_by !== null ? ` · ${t('rt.decidedBy')} #${stone.decided_by}` : ''})
          </dd>
        </>
      </dl>
      {stone.hashes.length === 0 && <p className="muted small">{t('rt.noDocuments')}</p>}
      {stone.hashes.length > 0 && (
        <table className="ap-table small" data-testid="tombstone-hashes">
          <thead>
            <tr>
              <th>{t('rt.documentId')}</th>
              <th>{t('rt.documents')}</th>
              <th>{t('rt.version')}</th>
              <th>SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {stone.hashes.map((h) => (
              <tr key={`${h.document}-${h.version}`}>
                <td>{h.document}</td>
                <td>{h.title}</td>
                <td>{h.version}</td>
                <td>
                  <code>{h.sha256}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
