import type { ReactNode } from 'react';
import { useLang } from '../context';
import type { Status } from '../lib/api';
import { splitMarks } from '../lib/highlight';

export function Spinner({ label, inline = false }: { label: string; inline?: boolean }) {
  return (
    <div className={inline ? 'spinner spinner--inline' : 'spinner'} role="status" aria-live="polite">
      <span className="spinner__circle" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function ErrorMessage({ children, onRetry }: { children: ReactNode; onRetry?: () => void }) {
  const { t } = useLang();
  return (
    <div className="alert alert--error" role="alert">
      <span className="alert__icon" aria-hidden="true">
        !
      </span>
      <div className="alert__body">
        <p>{children}</p>
        {onRetry && (
          <button type="button" className="button button--small" onClick={onRetry}>
            {t('common.retry')}
          </button>
        )}
      </div>
    </div>
  );
}

export function StatusBadge({ status }: { status: Status }) {
  const { t } = useLang();
  return <span className={`badge badge--${status}`}>{t(`status.${status}`)}</span>;
}

/** A highlight fragment from the server: only <mark> becomes markup, the rest is text. */
export function Fragment({ html }: { html: string }) {
  return (
    <>
      {splitMarks(html).map((piece, i) => (piece.mark ? <mark key={i}>{piece.text}</mark> : <span key={i}>{piece.text}</span>))}
    </>
  );
}
