/** 決裁箱: the six tabs with their counts, the cases of the chosen tab (oldest first). */
import { useCallback, useEffect, useState } from 'react';
import { useLang } from '../../context';
import { errorMessage } from '../../lib/api';
import { formatDateTime, formatYen } from '../../lib/format';
import { Link, useRouter } from '../../router';
import { ErrorMessage, Spinner } from '../../components/ui';
import { getInbox, type Inbox } from './client';
import { labelOf, useAp } from './i18n';
import { TABS, type TabKey } from './model';
import { ApprovalsNav } from './Nav';

// Counts refresh every minute while the page is open: modest for 2,000 staff.
const POLL_MS = 60_000;

export default function InboxPage() {
  const { t } = useAp();
  const { lang } = useLang();
  const { search, navigate } = useRouter();
  const requested = new URLSearchParams(search).get('tab');
  const tab: TabKey = (TABS as readonly string[]).includes(requested ?? '') ? (requested as TabKey) : 'approval';
  const [inbox, setInbox] = useState<Inbox | null>(null);
  const [failure, setFailure] = useState<unknown>(null);

  const load = useCallback(() => {
    getInbox(tab).then(
      (data) => {
        setInbox(data);
        setFailure(null);
      },
      setFailure,
    );
  }, [tab]);
  useEffect(() => {
    document.title = `${t('ap.inbox')} — Kiroku`;
  }, [t]);
  useEffect(() => {
    setInbox(null);
    load();
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') load();
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  return (
    <div className="approvals-page">
      <ApprovalsNav current="inbox" />
      <h1 className="page-title">{t('ap.inbox')}</h1>
      <div role="tablist" aria-label={t('ap.inbox')} className="ap-tabs">
        {TABS.map((key) => (
          <button
            key={key}
            type="button"
            role="tab"
            aria-selected={key === tab}
            className={key === tab ? 'ap-tab ap-tab--current' : 'ap-tab'}
            data-tab={key}
            onClick={() => navigate(`/approvals?tab=${key}`, { replace: true })}
          >
            {t(`ap.tab.${key}`)}
            <span className="ap-count">{inbox?.counts[key] ?? '…'}</span>
          </button>
        ))}
      </div>
      <section role="tabpanel" className="panel">
        {failure !== null && <ErrorMessage onRetry={load}>{errorMessage(failure, lang)}</ErrorMessage>}
        {!inbox && failure === null && <Spinner inline label={t('ap.inbox')} />}
        {inbox && inbox.results.length === 0 && <p className="muted">{t('ap.empty')}</p>}
        {inbox && inbox.results.length > 0 && (
          <table className="ap-table">
            <thead>
              <tr>
                <th>{t('ap.col.title')}</th>
                <th>{t('ap.col.state')}</th>
                <th>{t('ap.col.drafter')}</th>
                <th>{t('ap.col.section')}</th>
                <th className="amount">{t('ap.col.amount')}</th>
                <th>{t('ap.col.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {inbox.results.map(({ case: c, task }) => (
                <tr key={c.id} data-case={c.id}>
                  <td>
                    <Link to={`/approvals/cases/${c.id}`}>{c.title}</Link>
                    {c.flagged && <span className="tag ap-flag">{t('ap.flags')}</span>}
                  </td>
                  <td>{task ? labelOf(task, 'state', lang) : labelOf(c, 'state', lang)}</td>
                  <td>{c.drafter.display_name || c.drafter.username}</td>
                  <td>{c.section ? (lang === 'en' ? c.section.name_en || c.section.name : c.section.name) : ''}</td>
                  <td className="amount">{c.amount !== null ? formatYen(c.amount) : ''}</td>
                  <td>{formatDateTime(c.updated_at, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
