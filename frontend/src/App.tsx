import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { SessionContext, useLang, useReferenceData } from './context';
import { getApprovalCounts, getMe, logout, setUnauthorizedHandler, type Me } from './lib/api';
import { Link, matchPath, useRouter } from './router';
import { LoginPage } from './pages/LoginPage';
import { SearchPage } from './pages/SearchPage';
import { Spinner } from './components/ui';

// The document page carries pdf.js integration and the upload page is used less often:
// both load on demand so the first page stays small.
const DocumentPage = lazy(() => import('./pages/DocumentPage'));
const UploadPage = lazy(() => import('./pages/UploadPage'));
const AccountPage = lazy(() => import('./pages/AccountPage'));
// Electronic approval (決裁): its own chunks, loaded when first opened.
const ApprovalsInbox = lazy(() => import('./pages/approvals/InboxPage'));
const ApprovalsDraft = lazy(() => import('./pages/approvals/DraftPage'));
const ApprovalsCase = lazy(() => import('./pages/approvals/CasePage'));
const ApprovalsSettings = lazy(() => import('./pages/approvals/SettingsPage'));
const ApprovalsRules = lazy(() => import('./pages/approvals/RulesPage'));
const ApprovalsDashboard = lazy(() => import('./pages/approvals/DashboardPage'));
// The counterparty registry (dms/counterparties).
const CounterpartiesPage = lazy(() => import('./pages/counterparties/CounterpartiesPage'));
// Retention (records officers' screens): its own chunks too.
const RetentionDashboard = lazy(() => import('./pages/retention/DashboardPage'));
const RetentionRegister = lazy(() => import('./pages/retention/RegisterPage'));
const RetentionFile = lazy(() => import('./pages/retention/FilePage'));
const RetentionTombstones = lazy(() => import('./pages/retention/TombstonesPage'));
const RetentionOfDocument = lazy(() => import('./pages/retention/DocumentPanel'));

type SessionState = { kind: 'loading' } | { kind: 'anonymous'; expired?: boolean } | { kind: 'signed-in'; me: Me };

export function App() {
  const { t } = useLang();
  const [session, setSession] = useState<SessionState>({ kind: 'loading' });
  useEffect(() => {
    let live = true;
    getMe().then(
      (me) => live && setSession({ kind: 'signed-in', me }),
      () => live && setSession({ kind: 'anonymous' }),
    );
    return () => {
      live = false;
    };
  }, []);
  useEffect(() => {
    setUnauthorizedHandler(() => setSession({ kind: 'anonymous', expired: true }));
    return () => setUnauthorizedHandler(null);
  }, []);
  const signOut = useCallback(() => {
    logout().finally(() => setSession({ kind: 'anonymous' }));
  }, []);
  const reference = useReferenceData(session.kind === 'signed-in');

  if (session.kind === 'loading') {
    return (
      <main className="page-center" id="main">
        <Spinner label={t('common.loading')} />
      </main>
    );
  }
  if (session.kind === 'anonymous') {
    return <LoginPage expired={session.expired} onSignedIn={(me) => setSession({ kind: 'signed-in', me })} />;
  }
  return (
    <SessionContext.Provider value={{ me: session.me, ...reference, signOut }}>
      <Shell me={session.me} onSignOut={signOut} />
    </SessionContext.Provider>
  );
}

function Shell({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const { t, lang, setLang } = useLang();
  const { pathname } = useRouter();
  const documentMatch = matchPath('/documents/:id', pathname);
  const caseMatch = matchPath('/approvals/cases/:id', pathname);
  const fileMatch = matchPath('/retention/files/:id', pathname);
  const recordsOfficer = me.role === 'records_officer' || me.role === 'administrator';
  const approvalsWaiting = useApprovalCount(pathname);
  // After moving to another page, put keyboard and screen-reader focus at its start.
  const firstPath = useRef(pathname);
  useEffect(() => {
    if (pathname === firstPath.current) return;
    firstPath.current = '';
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [pathname]);
  let page;
  if (pathname === '/' || pathname === '/search') page = <SearchPage />;
  else if (pathname === '/upload') page = <UploadPage />;
  else if (pathname === '/account') page = <AccountPage />;
  else if (documentMatch)
    page = (
      <>
        <DocumentPage id={documentMatch.id} key={documentMatch.id} />
        {/* The document's retention under it (issue #13), outside the document page's own code. */}
        <RetentionOfDocument id={documentMatch.id} key={`rt-${documentMatch.id}`} />
      </>
    );
  else if (pathname === '/approvals' || pathname === '/approvals/') page = <ApprovalsInbox />;
  else if (pathname === '/approvals/new') page = <ApprovalsDraft />;
  else if (pathname === '/approvals/settings') page = <ApprovalsSettings />;
  else if (pathname === '/approvals/rules') page = <ApprovalsRules />;
  else if (pathname === '/approvals/dashboard') page = <ApprovalsDashboard />;
  else if (caseMatch) page = <ApprovalsCase id={caseMatch.id} key={caseMatch.id} />;
  else if (pathname === '/counterparties') page = <CounterpartiesPage />;
  else if (pathname === '/retention' || pathname === '/retention/') page = recordsOfficer ? <RetentionDashboard /> : <RetentionRegister />;
  else if (pathname === '/retention/register') page = <RetentionRegister />;
  else if (pathname === '/retention/tombstones') page = <RetentionTombstones />;
  else if (fileMatch) page = <RetentionFile id={fileMatch.id} key={fileMatch.id} />;
  else page = <NotFound />;
  const current = pathname === '/upload' ? 'upload' : pathname === '/' || pathname === '/search' ? 'search' : '';
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="app-header">
        <div className="app-header__inner">
          <Link to="/" className="brand">
            <span className="brand__mark" aria-hidden="true">
              記
            </span>
            <span className="brand__text">
              <span className="brand__name">{t('app.name')}</span>
              <span className="brand__sub">{t('app.subtitle')}</span>
            </span>
          </Link>
          <nav aria-label={t('nav.main')} className="app-nav">
            <Link to="/" aria-current={current === 'search' ? 'page' : undefined}>
              {t('nav.search')}
            </Link>
            <Link to="/upload" aria-current={current === 'upload' ? 'page' : undefined}>
              {t('nav.upload')}
            </Link>
            <Link to="/approvals" aria-current={pathname.startsWith('/approvals') ? 'page' : undefined} data-testid="nav-approvals">
              {t('nav.approvals')}
              {approvalsWaiting > 0 && (
                <span className="nav-count" aria-label={t('nav.approvalsWaiting', { n: approvalsWaiting })} data-testid="approvals-count">
                  {approvalsWaiting}
                </span>
              )}
            </Link>
            <Link to="/counterparties" aria-current={pathname === '/counterparties' ? 'page' : undefined}>
              {t('nav.counterparties')}
            </Link>
            {recordsOfficer && (
              <Link to="/retention" aria-current={pathname.startsWith('/retention') ? 'page' : undefined} data-testid="nav-retention">
                {t('nav.retention')}
              </Link>
            )}
          </nav>
          <div className="app-header__tools">
            <span className="user-name">{t('auth.signedInAs', { name: me.display_name || me.username })}</span>
            <Link to="/account" className="button button--ghost" aria-current={pathname === '/account' ? 'page' : undefined}>
              {t('nav.account')}
            </Link>
            <button
              type="button"
              className="button button--ghost lang-switch"
              onClick={() => setLang(lang === 'ja' ? 'en' : 'ja')}
              aria-label={t('lang.switchLabel')}
              lang={lang === 'ja' ? 'en' : 'ja'}
            >
              {t('lang.switchTo')}
            </button>
            <button type="button" className="button button--ghost" onClick={onSignOut}>
              {t('auth.logout')}
            </button>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="app-main">
        <Suspense fallback={<Spinner label={t('common.loading')} />}>{page}</Suspense>
      </main>
    </>
  );
}

// The header badge: what waits for me (承認・合議・後閲・供覧), refreshed on navigation and
// every two minutes while the tab is visible; a failure just hides the badge.
const COUNT_POLL_MS = 120_000;

function useApprovalCount(pathname: string): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    let live = true;
    const load = () =>
      getApprovalCounts().then(
        (n) => live && setCount(n.actionable),
        () => live && setCount(0),
      );
    load();
    const timer = window.setInterval(() => document.visibilityState === 'visible' && load(), COUNT_POLL_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [pathname]);
  return count;
}

function NotFound() {
  const { t } = useLang();
  useEffect(() => {
    document.title = `${t('notFound.title')} — ${t('app.name')}`;
  }, [t]);
  return (
    <div className="empty-state">
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.body')}</p>
      <p>
        <Link to="/" className="button button--primary">
          {t('nav.search')}
        </Link>
      </p>
    </div>
  );
}
