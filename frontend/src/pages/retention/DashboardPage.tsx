/**
 * The records officer's dashboard: files expiring this fiscal year, warnings (未定 near
 * expiry), open holds, the disposition queue with review and batch proposals, and the
 * progress of destruction and transfer.
 */
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { formatDate } from '../../lib/format';
import { Link } from '../../router';
import { ErrorMessage, Spinner } from '../../components/ui';
import {
  getFiles,
  getOpenHolds,
  getProposals,
  getQueue,
  getWarnings,
  packageUrl,
  propose,
  proposalAction,
  type Hold,
  type Proposal,
  type QueueFile,
  type RecordFile,
} from './client';
import { useRt, type RtKey } from './i18n';
import { filesQuery, fiscalYearEnd, fiscalYearStart, nextActions, progress } from './model';
import { RetentionNav } from './Nav';

interface Data {
  expiring: RecordFile[];
  expiringCount: number;
  warnings: QueueFile[];
  holds: Hold[];
  queue: QueueFile[];
  proposals: Proposal[];
}

export default function DashboardPage() {
  const { t, lang } = useRt();
  const [data, setData] = useState<Data | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [actionFailure, setActionFailure] = useState<unknown>(null);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [notice, setNotice] = useState('');
  const load = useCallback(
    () =>
      Promise.all([getFiles(filesQuery({ expires_after: fiscalYearStart(new Date()), expires_before: fiscalYearEnd(new Date()), closed: 'false' })), getWarnings(), getOpenHolds(), getQueue(), getProposals()]).then(
        ([expiring, warnings, holds, queue, proposals]) =>
          setData({ expiring: expiring.results, expiringCount: expiring.count, warnings, holds, queue, proposals }),
        setFailure,
      ),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    document.title = `${t('rt.dashboard')} — Kiroku`;
  }, [t]);
  const date = (iso: string | null) => (iso ? formatDate(iso, lang) : '—');
  const toggle = (id: number) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const act = (promise: Promise<Proposal>, message?: (p: Proposal) => string) => {
    setActionFailure(null);
    setNotice('');
    promise.then(
      (proposal) => {
        if (message) setNotice(message(proposal));
        setSelected(new Set());
        void load();
      },
      setActionFailure,
    );
  };
  const batch = (method: 'destroy' | 'transfer') => act(propose([...selected], method, ''), (p) => t('rt.proposed', { ref: p.reference }));

  return (
    <div className="retention-page">
      <RetentionNav current="dashboard" />
      <h1 className="page-title">{t('rt.dashboard')}</h1>
      {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
      {actionFailure !== null && <ErrorMessage>{errorMessage(actionFailure, lang)}</ErrorMessage>}
      {notice && (
        <p className="alert alert--success" role="status">
          {notice}
        </p>
      )}
      {!data && failure === null && <Spinner label={t('rt.dashboard')} />}
      {data && (
        <>
          <div className="ap-dash">
            <section className="panel" data-testid="rt-expiring">
              <h2 className="panel__title">
                {t('rt.expiringThisYear')} ({data.expiringCount})
              </h2>
              <FileList rows={data.expiring.map((f) => ({ id: f.id, title: f.title, expiry: f.effective_expiry }))} date={date} />
            </section>
            <section className="panel" data-testid="rt-warnings">
              <h2 className="panel__title">
                {t('rt.warnings')} ({data.warnings.length})
              </h2>
              <FileList rows={data.warnings.map((f) => ({ id: f.id, title: f.title, expiry: f.effective_expiry }))} date={date} />
            </section>
            <section className="panel" data-testid="rt-holds">
              <h2 className="panel__title">
                {t('rt.openHolds')} ({data.holds.length})
              </h2>
              {data.holds.length === 0 && <p className="muted small">{t('rt.none')}</p>}
              <ul className="ap-list small">
                {data.holds.map((h) => (
                  <li key={h.id}>
                    {t(`rt.hold.${h.hold_type}` as RtKey)} {h.reference} ({date(h.started_on)}〜){' '}
                    {h.record_file !== null ? <Link to={`/retention/files/${h.record_file}`}>{t('rt.file')}</Link> : h.document !== null ? <Link to={`/documents/${h.document}`}>{t('rt.documents')}</Link> : null}
                  </li>
                ))}
              </ul>
            </section>
          </div>
          <section className="panel" data-testid="rt-queue">
            <h2 className="panel__title">
              {t('rt.queue')} ({data.queue.length})
            </h2>
            {data.queue.length === 0 ? (
              <p className="muted small">{t('rt.queueEmpty')}</p>
            ) : (
              <>
                <table className="ap-table">
                  <thead>
                    <tr>
                      <th>{t('rt.select')}</th>
                      <th>{t('rt.title')}</th>
                      <th>{t('rt.fiscalYear')}</th>
                      <th>{t('rt.class')}</th>
                      <th>{t('rt.custodian')}</th>
                      <th>{t('rt.effectiveExpiry')}</th>
                      <th>{t('rt.action')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.queue.map((f) => (
                      <tr key={f.id}>
                        <td>
                          <input type="checkbox" checked={selected.has(f.id)} onChange={() => toggle(f.id)} aria-label={`${t('rt.select')}: ${f.title}`} />
                        </td>
                        <td>
                          <Link to={`/retention/files/${f.id}`}>{f.title}</Link>
                        </td>
                        <td>{f.fiscal_year}</td>
                        <td>{f.retention_class}</td>
                        <td>{f.custodian}</td>
                        <td>{date(f.effective_expiry)}</td>
                        <td>{t(`rt.action.${f.action}` as RtKey)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <div className="button-row">
                  <button type="button" className="button button--primary" disabled={selected.size === 0} onClick={() => batch('destroy')}>
                    {t('rt.proposeDestroy')}
                  </button>
                  <button type="button" className="button" disabled={selected.size === 0} onClick={() => batch('transfer')}>
                    {t('rt.proposeTransfer')}
                  </button>
                </div>
              </>
            )}
          </section>
          <section className="panel" data-testid="rt-proposals">
            <h2 className="panel__title">{t('rt.proposals')}</h2>
            {data.proposals.length === 0 && <p className="muted small">{t('rt.none')}</p>}
            <ul className="ap-list">
              {data.proposals.map((p) => {
                const { done, all } = progress(p.items);
                return (
                  <li key={p.id}>
                    <strong>{p.reference}</strong> {t(`rt.action.${p.method}` as RtKey)} · {t(`rt.state.${p.state}` as RtKey)} · {t('rt.progress', { done, all })}{' '}
                    <progress max={all} value={done} />{' '}
                    {p.case !== null && <Link to={`/approvals/cases/${p.case}`}>{t('rt.approve')}</Link>}{' '}
                    {p.package_key && (
                      <a href={packageUrl(p.id)} download data-testid="rt-package">
                        {t('rt.package')}
                      </a>
                    )}{' '}
                    {p.state === 'done' && (
                      <Link to="/retention/tombstones" data-testid="rt-tombstones-link">
                        {t('rt.tombstones')}
                      </Link>
                    )}{' '}
                    {nextActions(p).map((action) => (
                      <button key={action} type="button" className="button button--small" onClick={() => act(proposalAction(p.id, action))}>
                        {t(`rt.${action}` as RtKey)}
                      </button>
                    ))}
                    <div className="small muted">{p.items.map((i) => i.title + (i.refusal ? ` (${i.refusal})` : '')).join('、')}</div>
                  </li>
                );
              })}
            </ul>
          </section>
        </>
      )}
    </div>
  );
}

function FileList({ rows, date }: { rows: { id: number; title: string; expiry: string | null }[]; date: (iso: string | null) => string }) {
  const { t } = useRt();
  if (rows.length === 0) return <p className="muted small">{t('rt.none')}</p>;
  return (
    <ul className="ap-list small">
      {rows.map((r) => (
        <li key={r.id}>
          <Link to={`/retention/files/${r.id}`}>{r.title}</Link> — {date(r.expiry)}
        </li>
      ))}
    </ul>
  );
}
