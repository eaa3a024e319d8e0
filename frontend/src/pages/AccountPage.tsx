/** The signed-in person's account: their API tokens, which they can see and revoke. */
import { useCallback, useEffect, useState } from 'react';
import { useLang } from '../context';
import { errorMessage, getTokens, revokeAllTokens, revokeToken, type ApiToken } from '../lib/api';
import { formatDateTime } from '../lib/format';
import { ErrorMessage, Spinner } from '../components/ui';

type Load = { kind: 'loading' } | { kind: 'error'; error: unknown } | { kind: 'done'; tokens: ApiToken[] };

export default function AccountPage() {
  const { t, lang } = useLang();
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [notice, setNotice] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = `${t('account.title')} — ${t('app.name')}`;
  }, [t]);

  const reload = useCallback(() => {
    getTokens().then(
      (tokens) => setLoad({ kind: 'done', tokens }),
      (error) => setLoad({ kind: 'error', error }),
    );
  }, []);
  useEffect(reload, [reload]);

  const run = (confirmText: string, action: () => Promise<unknown>) => {
    if (!window.confirm(confirmText)) return;
    setBusy(true);
    setFailure(null);
    setNotice('');
    action()
      .then(() => setNotice(t('account.revoked')), setFailure)
      .finally(() => {
        setBusy(false);
        reload();
      });
  };

  return (
    <div className="account-page">
      <h1 className="page-title">{t('account.title')}</h1>
      <section className="panel" aria-labelledby="account-tokens">
        <h2 id="account-tokens" className="panel__title">
          {t('account.tokens')}
        </h2>
        <p className="muted small">{t('account.tokensIntro')}</p>
        {notice && (
          <p className="small" role="status">
            {notice}
          </p>
        )}
        {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
        {load.kind === 'loading' && <Spinner inline label={t('common.loading')} />}
        {load.kind === 'error' && <ErrorMessage onRetry={reload}>{errorMessage(load.error, lang)}</ErrorMessage>}
        {load.kind === 'done' && load.tokens.length === 0 && <p className="muted">{t('account.noTokens')}</p>}
        {load.kind === 'done' && load.tokens.length > 0 && (
          <>
            <ul className="timeline token-list">
              {load.tokens.map((token) => (
                <li key={token.token_key}>
                  <code>{token.token_key}…</code>
                  {token.current && <span className="muted small"> ({t('account.current')})</span>}
                  <div className="small muted">
                    {t('account.created')}: {formatDateTime(token.created, lang)} · {t('account.expiry')}:{' '}
                    {formatDateTime(token.expiry, lang)}
                  </div>
                  <button
                    type="button"
                    className="button button--small"
                    disabled={busy}
                    aria-label={t('account.revokeLabel', { key: token.token_key })}
                    onClick={() =>
                      run(t('account.confirmRevoke', { key: token.token_key }), () => revokeToken(token.token_key))
                    }
                  >
                    {t('account.revoke')}
                  </button>
                </li>
              ))}
            </ul>
            <p>
              <button
                type="button"
                className="button button--ghost"
                disabled={busy}
                onClick={() => run(t('account.confirmRevokeAll'), revokeAllTokens)}
              >
                {t('account.revokeAll')}
              </button>
            </p>
          </>
        )}
      </section>
    </div>
  );
}
