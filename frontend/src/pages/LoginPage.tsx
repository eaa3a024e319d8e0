import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useLang } from '../context';
import { errorMessage, login, type Me } from '../lib/api';
import { ErrorMessage } from '../components/ui';

export function LoginPage({ onSignedIn, expired }: { onSignedIn: (me: Me) => void; expired?: boolean }) {
  const { t, lang, setLang } = useLang();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const userRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = `${t('auth.title')} — ${t('app.name')}`;
  }, [t]);
  useEffect(() => userRef.current?.focus(), []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!username.trim() || !password) {
      setMissing(true);
      setError(null);
      return;
    }
    setMissing(false);
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await login(username.trim(), password));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <div className="login">
      <div className="login__top">
        <button
          type="button"
          className="button button--ghost lang-switch"
          onClick={() => setLang(lang === 'ja' ? 'en' : 'ja')}
          aria-label={t('lang.switchLabel')}
          lang={lang === 'ja' ? 'en' : 'ja'}
        >
          {t('lang.switchTo')}
        </button>
      </div>
      <main id="main" className="login__card">
        <div className="brand brand--large" aria-hidden="true">
          <span className="brand__mark">記</span>
          <span className="brand__text">
            <span className="brand__name">{t('app.name')}</span>
            <span className="brand__sub">{t('app.subtitle')}</span>
          </span>
        </div>
        <h1>{t('auth.title')}</h1>
        <p className="muted">{t('auth.intro')}</p>
        {expired && !error && <p className="alert alert--info">{t('auth.expired')}</p>}
        {missing && <ErrorMessage>{t('auth.missing')}</ErrorMessage>}
        {error !== null && <ErrorMessage>{errorMessage(error, lang)}</ErrorMessage>}
        <form onSubmit={submit} noValidate className="stack">
          <div className="field">
            <label htmlFor="login-username">{t('auth.username')}</label>
            <input
              ref={userRef}
              id="login-username"
              name="username"
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              aria-invalid={missing && !username.trim() ? true : undefined}
              required
            />
          </div>
          <div className="field">
            <label htmlFor="login-password">{t('auth.password')}</label>
            <input
              id="login-password"
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={missing && !password ? true : undefined}
              required
            />
          </div>
          <button type="submit" className="button button--primary button--block" disabled={busy}>
            {busy ? t('auth.submitting') : t('auth.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}
