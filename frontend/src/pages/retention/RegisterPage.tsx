/**
 * ファイル管理簿: the files a person may see, with filters, and the export (CSV in UTF-8 or
 * Shift_JIS, XLSX, and the public version). Records officers create files here.
 */
import { useCallback, useContext, useEffect, useState, type FormEvent } from 'react';
import { SessionContext } from '../../context';
import { errorMessage } from '../../lib/api';
import { formatDate } from '../../lib/format';
import { Link, useRouter } from '../../router';
import { ErrorMessage, Spinner } from '../../components/ui';
import { createFile, getClasses, getFiles, registerUrl, type Page, type RecordFile, type RetentionClass } from './client';
import { useRt, type RtKey } from './i18n';
import { classLabel, filesQuery, isRecordsOfficer, sectionLabel } from './model';
import { RetentionNav } from './Nav';

const FILTERS = ['title', 'fiscal_year', 'retention_class', 'custodian', 'medium', 'open_hold'] as const;

export default function RegisterPage() {
  const { t, lang } = useRt();
  const { search, navigate } = useRouter();
  const session = useContext(SessionContext);
  const officer = isRecordsOfficer(session?.me);
  const departments = session?.departments ?? [];
  const params = new URLSearchParams(search);
  const applied = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? '']));
  const page = Number(params.get('page') ?? '1') || 1;
  const [filters, setFilters] = useState<Record<string, string>>(applied);
  const [data, setData] = useState<Page<RecordFile> | null>(null);
  const [classes, setClasses] = useState<RetentionClass[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const query = filesQuery(applied, page);
  const load = useCallback(() => getFiles(query).then(setData, setFailure), [query]);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    getClasses().then(setClasses, () => setClasses([]));
  }, []);
  useEffect(() => {
    document.title = `${t('rt.register')} — Kiroku`;
  }, [t]);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const next = filesQuery(filters);
    navigate(`/retention/register${next ? `?${next}` : ''}`);
  };
  const goto = (n: number) => {
    const next = filesQuery(applied, n);
    navigate(`/retention/register${next ? `?${next}` : ''}`);
  };
  const date = (iso: string | null) => (iso ? formatDate(iso, lang) : '—');
  const exportLang = lang === 'en' ? 'en' : 'ja';

  return (
    <div className="retention-page">
      <RetentionNav current="register" />
      <h1 className="page-title">{t('rt.register')}</h1>
      <form className="ap-form__row" onSubmit={apply} aria-label={t('rt.filters')} data-testid="register-filters">
        <label className="field">
          <span>{t('rt.title')}</span>
          <input name="title" value={filters.title} onChange={(e) => setFilters({ ...filters, title: e.target.value })} />
        </label>
        <label className="field">
          <span>{t('rt.fiscalYear')}</span>
          <input name="fiscal_year" inputMode="numeric" size={6} value={filters.fiscal_year} onChange={(e) => setFilters({ ...filters, fiscal_year: e.target.value })} />
        </label>
        <label className="field">
          <span>{t('rt.class')}</span>
          <select name="retention_class" value={filters.retention_class} onChange={(e) => setFilters({ ...filters, retention_class: e.target.value })}>
            <option value="">{t('rt.all')}</option>
            {classes.map((c) => (
              <option key={c.code} value={c.code}>
                {lang === 'en' ? c.name_en || c.name : c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('rt.custodian')}</span>
          <input name="custodian" value={filters.custodian} onChange={(e) => setFilters({ ...filters, custodian: e.target.value })} />
        </label>
        <label className="field">
          <span>{t('rt.medium')}</span>
          <select name="medium" value={filters.medium} onChange={(e) => setFilters({ ...filters, medium: e.target.value })}>
            <option value="">{t('rt.all')}</option>
            <option value="electronic">{t('rt.medium.electronic')}</option>
            <option value="paper">{t('rt.medium.paper')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('rt.holds')}</span>
          <select name="open_hold" value={filters.open_hold} onChange={(e) => setFilters({ ...filters, open_hold: e.target.value })}>
            <option value="">{t('rt.all')}</option>
            <option value="true">{t('rt.openHold')}</option>
          </select>
        </label>
        <button type="submit" className="button">
          {t('rt.apply')}
        </button>
      </form>
      <div className="button-row" aria-label={t('rt.export')} data-testid="register-export">
        <a className="button button--small" href={registerUrl('csv', { lang: exportLang })} download>
          {t('rt.exportCsv')}
        </a>
        <a className="button button--small" href={registerUrl('csv', { encoding: 'cp932', lang: exportLang })} download>
          {t('rt.exportCsvSjis')}
        </a>
        <a className="button button--small" href={registerUrl('xlsx', { lang: exportLang })} download data-testid="export-xlsx">
          {t('rt.exportXlsx')}
        </a>
        <a className="button button--small button--ghost" href={registerUrl('csv', { public: true, lang: exportLang })} download>
          {t('rt.exportPublic')}
        </a>
        <a className="button button--small button--ghost" href={registerUrl('xlsx', { public: true, lang: exportLang })} download>
          {t('rt.exportPublicXlsx')}
        </a>
      </div>
      {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
      {!data && failure === null && <Spinner label={t('rt.register')} />}
      {data && (
        <section className="panel">
          <p className="small muted">{t('rt.count', { n: data.count })}</p>
          <table className="ap-table" data-testid="register-table">
            <thead>
              <tr>
                <th>{t('rt.fiscalYear')}</th>
                <th>{t('rt.title')}</th>
                <th>{t('rt.class')}</th>
                <th>{t('rt.period')}</th>
                <th>{t('rt.startDate')}</th>
                <th>{t('rt.effectiveExpiry')}</th>
                <th>{t('rt.medium')}</th>
                <th>{t('rt.custodian')}</th>
                <th>{t('rt.action')}</th>
              </tr>
            </thead>
            <tbody>
              {data.results.map((f) => (
                <tr key={f.id}>
                  <td>{f.fiscal_year}</td>
                  <td>
                    <Link to={`/retention/files/${f.id}`}>{f.title}</Link>
                  </td>
                  <td>{classLabel(f.retention_class, classes, lang)}</td>
                  <td>{f.period}</td>
                  <td>{date(f.start_date)}</td>
                  <td>{f.open_hold ? t('rt.openHold') : date(f.effective_expiry)}</td>
                  <td>{t(`rt.medium.${f.medium}` as RtKey)}</td>
                  <td>{sectionLabel(f.custodian, departments, lang)}</td>
                  <td>{t(`rt.action.${f.action_at_expiry}` as RtKey)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="button-row">
            {data.previous && (
              <button type="button" className="button button--small" onClick={() => goto(page - 1)}>
                {t('rt.prev')}
              </button>
            )}
            {data.next && (
              <button type="button" className="button button--small" onClick={() => goto(page + 1)}>
                {t('rt.next')}
              </button>
            )}
          </div>
        </section>
      )}
      {officer && <NewFileForm classes={classes} onCreated={(f) => navigate(`/retention/files/${f.id}`)} />}
    </div>
  );
}

function NewFileForm({ classes, onCreated }: { classes: RetentionClass[]; onCreated: (file: RecordFile) => void }) {
  const { t, lang } = useRt();
  const session = useContext(SessionContext);
  const departments = session?.departments ?? [];
  const firstSection = session?.me.departments[0]?.code ?? '';
  const [form, setForm] = useState({ title: '', retention_class: '', fiscal_year: '', custodian: firstSection, medium: 'electronic', category_major: '', category_middle: '', location: '' });
  const [failure, setFailure] = useState<unknown>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    createFile({ ...form, fiscal_year: Number(form.fiscal_year) }).then(onCreated, setFailure);
  };
  const text = (name: keyof typeof form, key: RtKey, required = false) => (
    <label className="field">
      <span>{t(key)}</span>
      <input name={name} required={required} value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.target.value })} />
    </label>
  );
  return (
    <section className="panel" aria-labelledby="rt-new-file">
      <h2 id="rt-new-file" className="panel__title">
        {t('rt.newFile')}
      </h2>
      <form className="ap-form__row" onSubmit={submit} data-testid="new-file-form">
        {text('title', 'rt.title', true)}
        <label className="field">
          <span>{t('rt.class')}</span>
          <select name="retention_class" required value={form.retention_class} onChange={(e) => setForm({ ...form, retention_class: e.target.value })}>
            <option value="" />
            {classes
              .filter((c) => c.active)
              .map((c) => (
                <option key={c.code} value={c.code}>
                  {lang === 'en' ? c.name_en || c.name : c.name}
                </option>
              ))}
          </select>
        </label>
        {text('fiscal_year', 'rt.fiscalYear', true)}
        {departments.length > 0 ? (
          <label className="field">
            <span>{t('rt.custodian')}</span>
            <select name="custodian" required value={form.custodian} onChange={(e) => setForm({ ...form, custodian: e.target.value })}>
              <option value="" />
              {departments.map((d) => (
                <option key={d.code} value={d.code}>
                  {sectionLabel(d.code, departments, lang)}
                </option>
              ))}
            </select>
          </label>
        ) : (
          text('custodian', 'rt.custodian', true)
        )}
        <label className="field">
          <span>{t('rt.medium')}</span>
          <select name="medium" value={form.medium} onChange={(e) => setForm({ ...form, medium: e.target.value })}>
            <option value="electronic">{t('rt.medium.electronic')}</option>
            <option value="paper">{t('rt.medium.paper')}</option>
          </select>
        </label>
        {text('category_major', 'rt.categoryMajor')}
        {text('category_middle', 'rt.categoryMiddle')}
        {text('location', 'rt.location')}
        <button type="submit" className="button button--primary">
          {t('rt.create')}
        </button>
      </form>
      {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
    </section>
  );
}
