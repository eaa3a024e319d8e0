/**
 * A records file (行政文書ファイル): its register fields, retention (起算日, 満了日, the
 * effective expiry after holds and extensions, the cumulative period), documents, holds,
 * extensions and history. Records officers get the actions; others read.
 */
import { useCallback, useContext, useEffect, useState, type FormEvent } from 'react';
import { SessionContext } from '../../context';
import { errorMessage } from '../../lib/api';
import { formatDate, formatFiscalYear } from '../../lib/format';
import { Link } from '../../router';
import { ErrorMessage, Spinner } from '../../components/ui';
import { addExtension, addHold, correctStartDate, endHold, getClasses, getFile, transferCustody, updateFile, type RecordFileDetail, type RetentionClass } from './client';
import { ClassifyPicker } from './ClassifyPicker';
import { useRt, type RtKey } from './i18n';
import { classLabel, fileHistory, isoDay, isRecordsOfficer, sectionLabel } from './model';
import { RetentionNav } from './Nav';

const HOLD_TYPES = ['audit', 'litigation', 'appeal', 'disclosure'] as const;

export default function FilePage({ id }: { id: string }) {
  const { t, lang } = useRt();
  const session = useContext(SessionContext);
  const officer = isRecordsOfficer(session?.me);
  const [file, setFile] = useState<RecordFileDetail | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [actionFailure, setActionFailure] = useState<unknown>(null);
  const [classes, setClasses] = useState<RetentionClass[]>([]);
  const departments = session?.departments ?? [];
  const load = useCallback(() => getFile(id).then(setFile, setFailure), [id]);
  useEffect(() => {
    getClasses().then(setClasses, () => setClasses([]));
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    document.title = `${file?.title ?? t('rt.file')} — Kiroku`;
  }, [file, t]);

  // Every action: run, then reload the file so the dates shown are the server's.
  const run = (promise: Promise<unknown>) => {
    setActionFailure(null);
    return promise.then(load, setActionFailure);
  };

  if (failure !== null)
    return (
      <div className="retention-page" data-testid="file-error">
        <RetentionNav current="" />
        <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>
      </div>
    );
  if (!file) return <Spinner label={t('rt.file')} />;
  const date = (iso: string | null) => (iso ? formatDate(iso, lang) : '—');
  return (
    <div className="retention-page" data-testid="file-page">
      <RetentionNav current="" />
      <p>
        <Link to="/retention/register" className="back-link">
          {t('rt.back')}
        </Link>
      </p>
      <h1 className="page-title">{file.title}</h1>
      {file.closed_at && <p className="badge badge--neutral">{t('rt.closed', { on: date(file.closed_at) })}</p>}
      {actionFailure !== null && <ErrorMessage>{errorMessage(actionFailure, lang)}</ErrorMessage>}
      <div className="ap-dash">
        <section className="panel" aria-labelledby="rt-retention">
          <h2 id="rt-retention" className="panel__title">
            {t('rt.class')}
          </h2>
          <dl className="meta-list" data-testid="file-retention">
            <dt>{t('rt.class')}</dt>
            <dd>{classLabel(file.retention_class, classes, lang)}</dd>
            <dt>{t('rt.period')}</dt>
            <dd data-testid="file-period">{file.period}</dd>
            <dt>{t('rt.startDate')}</dt>
            <dd data-testid="file-start">{date(file.start_date)}</dd>
            <dt>{t('rt.baseExpiry')}</dt>
            <dd data-testid="file-base-expiry">{date(file.base_expiry)}</dd>
            <dt>{t('rt.effectiveExpiry')}</dt>
            <dd data-testid="file-effective-expiry" data-iso={file.effective_expiry ?? ''}>
              {file.open_hold ? t('rt.openHold') : date(file.effective_expiry)}
            </dd>
            <dt>{t('rt.action')}</dt>
            <dd>{t(`rt.action.${file.action_at_expiry}` as RtKey)}</dd>
          </dl>
          {officer && !file.closed_at && <CorrectForm fileId={file.id} run={run} />}
        </section>
        <section className="panel" aria-labelledby="rt-register">
          <h2 id="rt-register" className="panel__title">
            {t('rt.register')}
          </h2>
          <dl className="meta-list">
            <dt>{t('rt.fiscalYear')}</dt>
            <dd>{formatFiscalYear(file.fiscal_year, lang)}</dd>
            <dt>{t('rt.categoryMajor')}</dt>
            <dd>{file.category_major || '—'}</dd>
            <dt>{t('rt.categoryMiddle')}</dt>
            <dd>{file.category_middle || '—'}</dd>
            <dt>{t('rt.creatorPost')}</dt>
            <dd>{file.creator_post || '—'}</dd>
            <dt>{t('rt.medium')}</dt>
            <dd>{t(`rt.medium.${file.medium}` as RtKey)}</dd>
            <dt>{t('rt.location')}</dt>
            <dd>{file.location || '—'}</dd>
            <dt>{t('rt.custodian')}</dt>
            <dd>{sectionLabel(file.custodian, departments, lang)}</dd>
            <dt>{t('rt.remarks')}</dt>
            <dd>{file.remarks || '—'}</dd>
          </dl>
          {officer && !file.closed_at && <EditRegisterForm file={file} onSaved={() => void load()} />}
          {officer && !file.closed_at && departments.length > 0 && <CustodyForm fileId={file.id} current={file.custodian} departments={departments} run={run} />}
        </section>
      </div>
      <section className="panel" aria-labelledby="rt-documents">
        <h2 id="rt-documents" className="panel__title">
          {t('rt.documents')} ({file.documents.length})
        </h2>
        {file.documents.length === 0 && <p className="muted small">{t('rt.noDocuments')}</p>}
        <ul className="ap-list" data-testid="file-documents">
          {file.documents.map((d) => (
            <li key={d.document_id}>
              <Link to={`/documents/${d.document_id}`}>{d.document__title}</Link>
            </li>
          ))}
        </ul>
        {officer && !file.closed_at && <ClassifyPicker fileId={file.id} onDone={() => void load()} />}
      </section>
      <section className="panel" aria-labelledby="rt-holds">
        <h2 id="rt-holds" className="panel__title">
          {t('rt.holds')}
        </h2>
        {file.holds.length === 0 && <p className="muted small">{t('rt.noHolds')}</p>}
        {file.holds.length > 0 && (
          <table className="ap-table" data-testid="file-holds">
            <thead>
              <tr>
                <th>{t('rt.holdType')}</th>
                <th>{t('rt.reference')}</th>
                <th>{t('rt.startedOn')}</th>
                <th>{t('rt.eventOn')}</th>
                <th>{t('rt.until')}</th>
              </tr>
            </thead>
            <tbody>
              {file.holds.map((h) => (
                <tr key={h.id}>
                  <td>{t(`rt.hold.${h.hold_type}` as RtKey)}</td>
                  <td>{h.reference}</td>
                  <td>{date(h.started_on)}</td>
                  <td>{h.event_on ? date(h.event_on) : officer ? <EndHoldForm holdId={h.id} run={run} /> : t('rt.open')}</td>
                  <td>{h.until ? date(h.until) : t('rt.open')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {officer && !file.closed_at && <HoldForm fileId={file.id} run={run} />}
      </section>
      <section className="panel" aria-labelledby="rt-extensions">
        <h2 id="rt-extensions" className="panel__title">
          {t('rt.extensions')}
        </h2>
        {file.extensions.length === 0 && <p className="muted small">{t('rt.none')}</p>}
        <ul className="ap-list small">
          {file.extensions.map((e) => (
            <li key={e.id}>
              {t('rt.extended', { years: e.years, reason: e.reason })}
              {e.remark ? ` — ${e.remark}` : ''}
            </li>
          ))}
        </ul>
        {officer && !file.closed_at && <ExtensionForm fileId={file.id} run={run} />}
        {!officer && <p className="muted small">{t('rt.officerOnly')}</p>}
      </section>
      <section className="panel" aria-labelledby="rt-history">
        <h2 id="rt-history" className="panel__title">
          {t('rt.history')}
        </h2>
        <ol className="ap-list small" data-testid="file-history">
          {fileHistory(file).map((line, i) => (
            <li key={i}>
              {line.at.slice(0, 10)}{' '}
              {t(({ hold: 'rt.holdAdded', extension: 'rt.extended', correction: 'rt.correction', custody: 'rt.custodyMove' } as const)[line.kind], line.params)}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

type Run = (promise: Promise<unknown>) => Promise<unknown>;

function HoldForm({ fileId, run }: { fileId: number; run: Run }) {
  const { t } = useRt();
  const blank = { hold_type: 'disclosure', reference: '', started_on: isoDay(new Date()), event_on: '', note: '' };
  const [form, setForm] = useState(blank);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(addHold({ record_file: fileId, ...form, event_on: form.event_on || null })).then(() => setForm(blank));
  };
  return (
    <form className="ap-form__row" onSubmit={submit} data-testid="hold-form" aria-label={t('rt.addHold')}>
      <label className="field">
        <span>{t('rt.holdType')}</span>
        <select name="hold_type" value={form.hold_type} onChange={(e) => setForm({ ...form, hold_type: e.target.value })}>
          {HOLD_TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`rt.hold.${type}` as RtKey)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('rt.reference')}</span>
        <input name="reference" required value={form.reference} onChange={(e) => setForm({ ...form, reference: e.target.value })} />
      </label>
      <label className="field">
        <span>{t('rt.startedOn')}</span>
        <input type="date" name="started_on" required value={form.started_on} onChange={(e) => setForm({ ...form, started_on: e.target.value })} />
      </label>
      <label className="field">
        <span>{t('rt.eventOn')}</span>
        <input type="date" name="event_on" value={form.event_on} onChange={(e) => setForm({ ...form, event_on: e.target.value })} />
      </label>
      <button type="submit" className="button button--primary">
        {t('rt.addHold')}
      </button>
    </form>
  );
}

function EndHoldForm({ holdId, run }: { holdId: number; run: Run }) {
  const { t } = useRt();
  const [day, setDay] = useState('');
  return (
    <form
      className="ap-form__row"
      onSubmit={(event) => {
        event.preventDefault();
        void run(endHold(holdId, day));
      }}
    >
      <input type="date" required value={day} onChange={(e) => setDay(e.target.value)} aria-label={t('rt.eventOn')} />
      <button type="submit" className="button button--small">
        {t('rt.endHold')}
      </button>
    </form>
  );
}

function ExtensionForm({ fileId, run }: { fileId: number; run: Run }) {
  const { t } = useRt();
  const blank = { years: '1', reason: '', remark: '' };
  const [form, setForm] = useState(blank);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(addExtension({ record_file: fileId, years: Number(form.years), reason: form.reason, remark: form.remark })).then(() => setForm(blank));
  };
  return (
    <form className="ap-form__row" onSubmit={submit} data-testid="extension-form">
      <label className="field">
        <span>{t('rt.years')}</span>
        <input type="number" min={1} name="years" required value={form.years} onChange={(e) => setForm({ ...form, years: e.target.value })} />
      </label>
      <label className="field">
        <span>{t('rt.reason')}</span>
        <input name="reason" required value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} />
      </label>
      <label className="field">
        <span>{t('rt.remark')}</span>
        <input name="remark" value={form.remark} onChange={(e) => setForm({ ...form, remark: e.target.value })} />
      </label>
      <button type="submit" className="button">
        {t('rt.addExtension')}
      </button>
    </form>
  );
}

function CorrectForm({ fileId, run }: { fileId: number; run: Run }) {
  const { t } = useRt();
  const [form, setForm] = useState({ start_date: '', reason: '' });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(correctStartDate({ record_file: fileId, ...form })).then(() => setForm({ start_date: '', reason: '' }));
  };
  return (
    <form className="ap-form__row" onSubmit={submit} data-testid="correct-form">
      <label className="field">
        <span>{t('rt.newStartDate')}</span>
        <input type="date" name="start_date" required value={form.start_date} onChange={(e) => setForm({ ...form, start_date: e.target.value })} />
      </label>
      <label className="field">
        <span>{t('rt.reason')}</span>
        <input name="reason" required value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} />
      </label>
      <button type="submit" className="button">
        {t('rt.correct')}
      </button>
    </form>
  );
}

function CustodyForm({ fileId, current, departments, run }: { fileId: number; current: string; departments: { code: string; name: string; name_en?: string }[]; run: Run }) {
  const { t, lang } = useRt();
  const [form, setForm] = useState({ to: '', reason: '' });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(transferCustody([fileId], form.to, form.reason)).then(() => setForm({ to: '', reason: '' }));
  };
  return (
    <form className="ap-form__row" onSubmit={submit} data-testid="custody-form">
      <label className="field">
        <span>{t('rt.custodyTo')}</span>
        <select name="to_section" required value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })}>
          <option value="" />
          {departments
            .filter((d) => d.code !== current)
            .map((d) => (
              <option key={d.code} value={d.code}>
                {sectionLabel(d.code, departments, lang)}
              </option>
            ))}
        </select>
      </label>
      <label className="field">
        <span>{t('rt.reason')}</span>
        <input name="custody_reason" value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} />
      </label>
      <button type="submit" className="button">
        {t('rt.custodyMoveAction')}
      </button>
    </form>
  );
}

const EDITABLE = ['title', 'fiscal_year', 'category_major', 'category_middle', 'creator_post', 'medium', 'location', 'remarks'] as const;
type Editable = (typeof EDITABLE)[number];
const EDIT_LABELS: Record<Editable, RtKey> = {
  title: 'rt.title',
  fiscal_year: 'rt.fiscalYear',
  category_major: 'rt.categoryMajor',
  category_middle: 'rt.categoryMiddle',
  creator_post: 'rt.creatorPost',
  medium: 'rt.medium',
  location: 'rt.location',
  remarks: 'rt.remarks',
};

/** Only the fields that changed, so the server's audit entry names just those. */
export function changedFields(file: Record<Editable, string | number>, form: Record<Editable, string>): Record<string, string | number> {
  const changed: Record<string, string | number> = {};
  for (const name of EDITABLE) {
    const value = name === 'fiscal_year' ? Number(form[name]) : form[name];
    if (String(value) !== String(file[name])) changed[name] = name === 'fiscal_year' && !/^\d+$/.test(form[name].trim()) ? form[name] : value;
  }
  return changed;
}

function EditRegisterForm({ file, onSaved }: { file: RecordFileDetail; onSaved: () => void }) {
  const { t, lang } = useRt();
  const initial = () => Object.fromEntries(EDITABLE.map((name) => [name, String(file[name] ?? '')])) as Record<Editable, string>;
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(initial);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (!open)
    return (
      <button
        type="button"
        className="button button--small"
        data-testid="edit-register"
        onClick={() => {
          setForm(initial());
          setFailure(null);
          setOpen(true);
        }}
      >
        {t('rt.editRegister')}
      </button>
    );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const changed = changedFields(file, form);
    if (Object.keys(changed).length === 0) {
      setOpen(false);
      return;
    }
    setBusy(true);
    setFailure(null);
    updateFile(file.id, changed).then(
      () => {
        setBusy(false);
        setOpen(false);
        onSaved();
      },
      (error: unknown) => {
        setBusy(false);
        setFailure(error);
      },
    );
  };
  return (
    <form className="ap-form" onSubmit={submit} data-testid="register-form" aria-label={t('rt.editRegister')}>
      {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
      {EDITABLE.map((name) => (
        <label className="field" key={name}>
          <span>{t(EDIT_LABELS[name])}</span>
          {name === 'medium' ? (
            <select name={name} value={form.medium} onChange={(e) => setForm({ ...form, medium: e.target.value })}>
              <option value="paper">{t('rt.medium.paper')}</option>
              <option value="electronic">{t('rt.medium.electronic')}</option>
            </select>
          ) : (
            <input name={name} inputMode={name === 'fiscal_year' ? 'numeric' : undefined} required={name === 'title' || name === 'fiscal_year'} value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.target.value })} />
          )}
        </label>
      ))}
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('rt.saveChanges')}
        </button>
        <button type="button" className="button" onClick={() => setOpen(false)}>
          {t('rt.cancel')}
        </button>
      </div>
    </form>
  );
}
