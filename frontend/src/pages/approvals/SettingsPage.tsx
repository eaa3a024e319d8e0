/** 不在・代理: one's own absences (the route skips to 代決 / 後閲 while away) and the deputies table. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useSession } from '../../context';
import { errorMessage } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { ErrorMessage } from '../../components/ui';
import {
  createAbsence,
  createDeputy,
  deleteAbsence,
  deleteDeputy,
  getAbsences,
  getDeputies,
  getStampPreference,
  putStampPreference,
  rows,
  type Absence,
  type Deputy,
  type StampPreference,
} from './client';
import { useAp } from './i18n';
import { ApprovalsNav } from './Nav';

/** `<input type="datetime-local">` gives local time without a zone; the API wants ISO 8601. */
export function localToIso(value: string): string {
  return value ? new Date(value).toISOString() : '';
}

/** The date styles a stamp can carry, shown as they print (ja/dates.py DateStyle). */
export const STAMP_DATE_STYLES: { value: StampPreference['date_style']; sample: string }[] = [
  { value: 'era_letter', sample: 'R6.4.1' },
  { value: 'era_year', sample: '6.4.1' },
  { value: 'western_dotted', sample: '2024.4.1' },
];

/** One's own stamp: date style and 日付印 / 認印. Hidden when signing is not installed (404). */
export function StampPanel() {
  const { t, lang } = useAp();
  const [pref, setPref] = useState<StampPreference | null>(null);
  const [state, setState] = useState<'idle' | 'saved'>('idle');
  const [failure, setFailure] = useState<unknown>(null);
  useEffect(() => {
    getStampPreference().then(setPref, () => setPref(null));
  }, []);
  if (pref === null) return null;
  const save = (e: FormEvent) => {
    e.preventDefault();
    putStampPreference(pref).then(
      (saved) => {
        setPref(saved);
        setFailure(null);
        setState('saved');
      },
      setFailure,
    );
  };
  return (
    <section className="panel" aria-labelledby="ap-stamp">
      <h2 id="ap-stamp" className="panel__title">
        {t('ap.stamp')}
      </h2>
      <p className="muted small">{t('ap.stamp.hint')}</p>
      {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
      <form className="ap-form__row" onSubmit={save} data-testid="stamp-form">
        <label className="field">
          <span>{t('ap.stamp.dateStyle')}</span>
          <select
            name="date_style"
            value={pref.date_style}
            onChange={(e) => {
              setState('idle');
              setPref({ ...pref, date_style: e.target.value as StampPreference['date_style'] });
            }}
          >
            {STAMP_DATE_STYLES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.sample}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('ap.stamp.kind')}</span>
          <select
            name="personal_seal"
            value={pref.personal_seal ? 'personal' : 'dated'}
            onChange={(e) => {
              setState('idle');
              setPref({ ...pref, personal_seal: e.target.value === 'personal' });
            }}
          >
            <option value="dated">{t('ap.stamp.dated')}</option>
            <option value="personal">{t('ap.stamp.personal')}</option>
          </select>
        </label>
        <button type="submit" className="button button--primary">
          {t('ap.stamp.save')}
        </button>
        {state === 'saved' && (
          <span role="status" className="muted small">
            {t('ap.stamp.saved')}
          </span>
        )}
      </form>
    </section>
  );
}

export default function SettingsPage() {
  const { t, lang } = useAp();
  const { me } = useSession();
  const admin = me.role === 'administrator';
  const [absences, setAbsences] = useState<Absence[]>([]);
  const [deputies, setDeputies] = useState<Deputy[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [absence, setAbsence] = useState({ starts_at: '', ends_at: '', reason: '' });
  const [deputy, setDeputy] = useState({ post: '', order: '1', user: '' });

  const load = useCallback(() => {
    getAbsences().then((d) => setAbsences(rows(d)), setFailure);
    getDeputies().then((d) => setDeputies(rows(d)), setFailure);
  }, []);
  useEffect(() => {
    document.title = `${t('ap.settings')} — Kiroku`;
    load();
  }, [load, t]);

  const run = (p: Promise<unknown>) =>
    p.then(() => {
      setFailure(null);
      load();
    }, setFailure);

  const addAbsence = (e: FormEvent) => {
    e.preventDefault();
    void run(
      createAbsence({ starts_at: localToIso(absence.starts_at), ends_at: localToIso(absence.ends_at), reason: absence.reason }).then(() =>
        setAbsence({ starts_at: '', ends_at: '', reason: '' }),
      ),
    );
  };
  const addDeputy = (e: FormEvent) => {
    e.preventDefault();
    void run(createDeputy({ post: deputy.post, order: Number(deputy.order), user: deputy.user }));
  };

  return (
    <div className="approvals-page">
      <ApprovalsNav current="settings" />
      <h1 className="page-title">{t('ap.settings')}</h1>
      {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
      <StampPanel />
      <section className="panel" aria-labelledby="ap-absences">
        <h2 id="ap-absences" className="panel__title">
          {t('ap.absences')}
        </h2>
        {absences.length === 0 && <p className="muted small">{t('ap.none')}</p>}
        <ul className="ap-list">
          {absences.map((a) => (
            <li key={a.id}>
              {a.user}: {formatDateTime(a.starts_at, lang)} – {formatDateTime(a.ends_at, lang)} {a.reason}{' '}
              <button type="button" className="button button--small" onClick={() => void run(deleteAbsence(a.id))}>
                {t('ap.delete')}
              </button>
            </li>
          ))}
        </ul>
        <form className="ap-form__row" onSubmit={addAbsence} data-testid="absence-form">
          <label className="field">
            <span>{t('ap.startsAt')}</span>
            <input type="datetime-local" name="starts_at" required value={absence.starts_at} onChange={(e) => setAbsence({ ...absence, starts_at: e.target.value })} />
          </label>
          <label className="field">
            <span>{t('ap.endsAt')}</span>
            <input type="datetime-local" name="ends_at" required value={absence.ends_at} onChange={(e) => setAbsence({ ...absence, ends_at: e.target.value })} />
          </label>
          <label className="field">
            <span>{t('ap.reason')}</span>
            <input name="reason" value={absence.reason} onChange={(e) => setAbsence({ ...absence, reason: e.target.value })} />
          </label>
          <button type="submit" className="button button--primary">
            {t('ap.add')}
          </button>
        </form>
      </section>
      <section className="panel" aria-labelledby="ap-deputies">
        <h2 id="ap-deputies" className="panel__title">
          {t('ap.deputies')}
        </h2>
        {deputies.length === 0 && <p className="muted small">{t('ap.none')}</p>}
        <table className="ap-table">
          <thead>
            <tr>
              <th>{t('ap.post')}</th>
              <th>{t('ap.order')}</th>
              <th>{t('ap.label')}</th>
              {admin && <th />}
            </tr>
          </thead>
          <tbody>
            {deputies.map((d) => (
              <tr key={d.id}>
                <td>{d.post}</td>
                <td>{d.order}</td>
                <td>{d.label}</td>
                {admin && (
                  <td>
                    <button type="button" className="button button--small" onClick={() => void run(deleteDeputy(d.id))}>
                      {t('ap.delete')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {admin ? (
          <form className="ap-form__row" onSubmit={addDeputy}>
            <label className="field">
              <span>{t('ap.post')}</span>
              <input name="post" required value={deputy.post} onChange={(e) => setDeputy({ ...deputy, post: e.target.value })} />
            </label>
            <label className="field">
              <span>{t('ap.order')}</span>
              <input type="number" min={1} name="order" value={deputy.order} onChange={(e) => setDeputy({ ...deputy, order: e.target.value })} />
            </label>
            <label className="field">
              <span>{t('ap.deputyUser')}</span>
              <input name="deputy_user" required value={deputy.user} onChange={(e) => setDeputy({ ...deputy, user: e.target.value })} />
            </label>
            <button type="submit" className="button button--primary">
              {t('ap.add')}
            </button>
          </form>
        ) : (
          <p className="muted small">{t('ap.adminOnly')}</p>
        )}
      </section>
    </div>
  );
}
