/** The approvals section's own links (inbox, new draft, settings, rules, dashboard). */
import { useContext } from 'react';
import { SessionContext } from '../../context';
import { Link } from '../../router';
import { useAp } from './i18n';

const LINKS = [
  ['inbox', '/approvals', 'ap.inbox'],
  ['new', '/approvals/new', 'ap.new'],
  ['settings', '/approvals/settings', 'ap.settings'],
  ['dashboard', '/approvals/dashboard', 'ap.dashboard'],
  ['rules', '/approvals/rules', 'ap.rules'],
] as const;

export function ApprovalsNav({ current }: { current: string }) {
  const { t } = useAp();
  const session = useContext(SessionContext);
  const admin = session?.me.role === 'administrator';
  return (
    <nav className="ap-subnav" aria-label={t('ap.inbox')}>
      {LINKS.filter(([key]) => key !== 'rules' || admin).map(([key, to, label]) => (
        <Link key={key} to={to} aria-current={current === key ? 'page' : undefined}>
          {t(label)}
        </Link>
      ))}
    </nav>
  );
}
