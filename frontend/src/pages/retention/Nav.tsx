/** The retention section's own links (dashboard for officers, the register for everyone). */
import { useContext } from 'react';
import { SessionContext } from '../../context';
import { Link } from '../../router';
import { useRt } from './i18n';
import { isRecordsOfficer } from './model';

export function RetentionNav({ current }: { current: string }) {
  const { t } = useRt();
  const session = useContext(SessionContext);
  const officer = isRecordsOfficer(session?.me);
  return (
    <nav className="ap-subnav" aria-label={t('rt.section')}>
      {officer && (
        <Link to="/retention" aria-current={current === 'dashboard' ? 'page' : undefined}>
          {t('rt.dashboard')}
        </Link>
      )}
      {officer && (
        <Link to="/retention/tombstones" aria-current={current === 'tombstones' ? 'page' : undefined}>
          {t('rt.tombstones')}
        </Link>
      )}
      <Link to="/retention/register" aria-current={current === 'register' ? 'page' : undefined}>
        {t('rt.register')}
      </Link>
    </nav>
  );
}
