/** 決裁の状況: the figures the city watches, as inline SVG charts (no chart library). */
import { useEffect, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { Link } from '../../router';
import { ErrorMessage, Spinner } from '../../components/ui';
import { getDashboard } from './client';
import { useAp } from './i18n';
import { barLengths } from './model';
import { ApprovalsNav } from './Nav';

interface Dashboard {
  date_from: string;
  date_to: string;
  sections: { section_id: number; section: string; electronic_rate: number | null; return_rate: number | null; submitted: number }[];
  steps: { kind: string; label: string; label_en: string; median_hours: number | null; completed: number }[];
  case_median_hours: number | null;
  cases_decided: number;
  waiting_longest: { task_id: number; case_id: number; case_title: string; section: string; holder: string; assignee: string; since: string; hours: number }[];
}

/** Horizontal bars, one row per item; values shown at the bar's end. */
export function BarChart({ rows, max, format, label }: { rows: { name: string; value: number | null }[]; max?: number; format: (v: number) => string; label: string }) {
  const width = 260;
  const rowHeight = 26;
  const lengths = barLengths(max === undefined ? rows.map((r) => r.value) : [...rows.map((r) => r.value), max], width);
  return (
    <svg className="ap-chart" role="img" aria-label={label} viewBox={`0 0 ${width + 200} ${rows.length * rowHeight + 4}`} width="100%">
      {rows.map((row, i) => (
        <g key={row.name} transform={`translate(0 ${i * rowHeight})`}>
          <text x={0} y={17} fontSize={12} className="ap-chart__label">
            {row.name.length > 12 ? `${row.name.slice(0, 12)}…` : row.name}
          </text>
          <rect x={140} y={4} width={lengths[i]} height={16} rx={2} className="ap-chart__bar" />
          <text x={146 + lengths[i]} y={17} fontSize={12} className="ap-chart__value">
            {row.value === null ? '—' : format(row.value)}
          </text>
        </g>
      ))}
    </svg>
  );
}

const percent = (v: number) => `${Math.round(v * 1000) / 10}%`;
const hoursText = (v: number) => `${Math.round(v * 10) / 10}h`;

export default function DashboardPage() {
  const { t, lang } = useAp();
  const [data, setData] = useState<Dashboard | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  useEffect(() => {
    document.title = `${t('ap.dashboard')} — Kiroku`;
  }, [t]);
  useEffect(() => {
    getDashboard().then((d) => setData(d as unknown as Dashboard), setFailure);
  }, []);
  return (
    <div className="approvals-page">
      <ApprovalsNav current="dashboard" />
      <h1 className="page-title">{t('ap.dashboard')}</h1>
      {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
      {!data && failure === null && <Spinner label={t('ap.dashboard')} />}
      {data && (
        <>
          <p className="muted small">
            {data.date_from} – {data.date_to}
          </p>
          <div className="ap-dash">
            <section className="panel">
              <h2 className="panel__title">{t('ap.dash.rate')}</h2>
              <BarChart label={t('ap.dash.rate')} rows={data.sections.map((s) => ({ name: s.section, value: s.electronic_rate }))} max={1} format={percent} />
            </section>
            <section className="panel">
              <h2 className="panel__title">{t('ap.dash.returnRate')}</h2>
              <BarChart label={t('ap.dash.returnRate')} rows={data.sections.map((s) => ({ name: s.section, value: s.return_rate }))} max={1} format={percent} />
            </section>
            <section className="panel">
              <h2 className="panel__title">{t('ap.dash.stepTime')}</h2>
              <BarChart
                label={t('ap.dash.stepTime')}
                rows={data.steps.map((s) => ({ name: lang === 'en' ? s.label_en : s.label, value: s.median_hours }))}
                format={hoursText}
              />
              <p className="small">
                {t('ap.dash.caseTime')}: <strong>{data.case_median_hours === null ? '—' : hoursText(data.case_median_hours)}</strong>
              </p>
            </section>
            <section className="panel">
              <h2 className="panel__title">{t('ap.dash.longest')}</h2>
              <BarChart label={t('ap.dash.longest')} rows={data.waiting_longest.map((w) => ({ name: w.case_title, value: w.hours }))} format={hoursText} />
              <ul className="ap-list small">
                {data.waiting_longest.map((w) => (
                  <li key={w.task_id}>
                    <Link to={`/approvals/cases/${w.case_id}`}>{w.case_title}</Link> — {w.holder || w.assignee} ({formatDateTime(w.since, lang)})
                  </li>
                ))}
              </ul>
            </section>
          </div>
        </>
      )}
    </div>
  );
}
