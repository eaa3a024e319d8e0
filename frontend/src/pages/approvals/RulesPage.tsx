/**
 * 決裁規程: the delegation table and route templates as one rules file (the format of
 * approvals/rules_file.py), exported, edited and imported as a whole, plus a read-out of
 * the bands and templates so an administrator sees what is in force.
 */
import { useEffect, useMemo, useState } from 'react';
import { useSession } from '../../context';
import { errorMessage } from '../../lib/api';
import { ErrorMessage } from '../../components/ui';
import { getRules, importRules } from './client';
import { useAp } from './i18n';
import { summarizeRules } from './model';
import { formatYen } from '../../lib/format';
import { ApprovalsNav } from './Nav';

export default function RulesPage() {
  const { t, lang } = useAp();
  const { me } = useSession();
  const admin = me.role === 'administrator';
  const [text, setText] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const summary = useMemo(() => summarizeRules(text), [text]);

  const load = () => getRules().then((rules) => setText(JSON.stringify(rules, null, 2)), setFailure);
  useEffect(() => {
    document.title = `${t('ap.rules')} — Kiroku`;
    void load();
  }, [t]);

  const save = () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      setNotice('');
      setFailure(null);
      setNotice(t('ap.invalidJson'));
      return;
    }
    setBusy(true);
    importRules(parsed)
      .then((r) => {
        setFailure(null);
        setNotice(t('ap.imported', { m: r.matter_types ?? 0, d: r.delegation ?? 0, t: r.templates ?? 0 }));
      }, setFailure)
      .finally(() => setBusy(false));
  };

  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'approval_rules.json';
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <div className="approvals-page">
      <ApprovalsNav current="rules" />
      <h1 className="page-title">{t('ap.rules')}</h1>
      <p className="muted small">{t('ap.rulesIntro')}</p>
      {!admin && <p className="muted small">{t('ap.adminOnly')}</p>}
      {notice && (
        <p role="status" className="small">
          {notice}
        </p>
      )}
      {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
      {summary && (
        <div className="ap-dash">
          <section className="panel">
            <h2 className="panel__title">{t('ap.bands')}</h2>
            <table className="ap-table" data-testid="rules-bands">
              <thead>
                <tr>
                  <th>{t('ap.matterType')}</th>
                  <th className="amount">{t('ap.amountFrom')}</th>
                  <th className="amount">{t('ap.amountBelow')}</th>
                  <th>{t('ap.level')}</th>
                </tr>
              </thead>
              <tbody>
                {summary.bands.map((b, i) => (
                  <tr key={i}>
                    <td>{b.matterType}</td>
                    <td className="amount">{b.from === null ? '' : formatYen(b.from)}</td>
                    <td className="amount">{b.below === null ? '' : formatYen(b.below)}</td>
                    <td>{b.level}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="panel">
            <h2 className="panel__title">{t('ap.templates')}</h2>
            <ul className="ap-list small" data-testid="rules-routes">
              {summary.routes.map((r) => (
                <li key={r.code}>
                  <strong>{r.name}</strong> ({r.level}
                  {r.section ? ` · ${r.section}` : ''}): {r.steps.join(' → ')}
                </li>
              ))}
            </ul>
          </section>
        </div>
      )}
      <textarea className="ap-rules" value={text} onChange={(e) => setText(e.target.value)} rows={24} readOnly={!admin} spellCheck={false} aria-label={t('ap.rules')} />
      <div className="button-row">
        <button type="button" className="button" onClick={download}>
          {t('ap.export')}
        </button>
        {admin && (
          <>
            <label className="button">
              {lang === 'en' ? 'Open file…' : 'ファイルを開く…'}
              <input
                type="file"
                accept="application/json,.json"
                className="visually-hidden"
                onChange={(e) => e.target.files?.[0]?.text().then(setText)}
              />
            </label>
            <button type="button" className="button button--primary" onClick={save} disabled={busy}>
              {t('ap.import')}
            </button>
          </>
        )}
      </div>
    </div>
  );
}
