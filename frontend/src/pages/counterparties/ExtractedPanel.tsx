/** The document page's panel of extracted values: each with its source (identifier, rule,
 * registry, line N of the text), one click to confirm, and an inline correction. */
import { useEffect, useState, type FormEvent } from 'react';
import { errorMessage } from '../../lib/api';
import { formatDate, formatYen } from '../../lib/format';
import type { Lang } from '../../lib/i18n';
import { confirmValue, correctValue, FIELDS, getExtracted, type ExtractedValue, type Field } from './client';
import { cpTranslate, en, ja, useCp, type CpKey } from './i18n';
import './counterparties.css';

/** The value as a clerk reads it (dates in the current language's style, yen with separators). */
export function displayValue(row: Pick<ExtractedValue, 'field' | 'value'>, lang: Lang, typeName?: (code: string) => string): string {
  if (row.value === null || row.value === '') return '';
  if (row.field === 'document_date') return formatDate(String(row.value), lang);
  if (row.field === 'amount') return formatYen(row.value);
  if (row.field === 'document_type' && typeName) return typeName(String(row.value));
  return String(row.value);
}

/** Where the value came from, in the current language, with its line when known. */
export function sourceText(row: Pick<ExtractedValue, 'source' | 'line' | 'read_as'>, lang: Lang): string {
  const key = `cp.source.${row.source}` as CpKey;
  const parts = [key in (lang === 'en' ? en : ja) ? cpTranslate(lang, key) : row.source];
  if (row.line) parts.push(cpTranslate(lang, 'cp.line', { n: row.line }));
  if (row.read_as) parts.push(cpTranslate(lang, 'cp.readAs', { text: row.read_as }));
  return parts.join(' · ');
}

/** What the correction form sends for a field: a number for amounts, null for empty. */
export function correctionValue(field: Field, text: string): string | number | null {
  const trimmed = text.trim();
  if (!trimmed) return field === 'counterparty' ? '' : null;
  if (field === 'amount') {
    const digits = trimmed.normalize('NFKC').replace(/[,，円¥\s]/g, '');
    return /^\d+$/.test(digits) ? Number(digits) : trimmed;
  }
  return trimmed;
}

export function ExtractedList({
  values,
  editable,
  typeName,
  typeCodes = [],
  onConfirm,
  onCorrect,
}: {
  values: ExtractedValue[];
  editable: boolean;
  typeName?: (code: string) => string;
  typeCodes?: string[];
  onConfirm: (field: Field) => Promise<unknown>;
  onCorrect: (field: Field, value: string | number | null) => Promise<unknown>;
}) {
  const { t, lang } = useCp();
  const [editing, setEditing] = useState<Field | null>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState<string>('');
  const ordered = FIELDS.map((field) => values.find((v) => v.field === field)).filter((v): v is ExtractedValue => !!v);
  if (!ordered.length) return <p className="muted">{t('cp.noValues')}</p>;
  const submit = (field: Field) => (event: FormEvent) => {
    event.preventDefault();
    setError('');
    onCorrect(field, correctionValue(field, text)).then(
      () => setEditing(null),
      (e) => setError(errorMessage(e, lang)),
    );
  };
  return (
    <dl className="meta-list extracted-list">
      {ordered.map((row) => (
        <div key={row.field} data-testid={`extracted-${row.field}`}>
          <dt>{t(`cp.field.${row.field}` as CpKey)}</dt>
          <dd>
            {editing === row.field ? (
              <form onSubmit={submit(row.field)} className="cp-inline">
                {row.field === 'document_type' && typeCodes.length > 0 ? (
                  <select aria-label={t('cp.field.document_type')} value={text} onChange={(e) => setText(e.target.value)}>
                    <option value="" />
                    {typeCodes.map((code) => (
                      <option key={code} value={code}>
                        {typeName ? typeName(code) : code}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    aria-label={t(`cp.field.${row.field}` as CpKey)}
                    type={row.field === 'document_date' ? 'date' : 'text'}
                    value={text}
                    onChange={(e) => setText(e.target.value)}
                  />
                )}
                <button type="submit" className="button button--small button--primary">
                  {t('cp.save')}
                </button>
                <button type="button" className="button button--small" onClick={() => setEditing(null)}>
                  {t('cp.cancel')}
                </button>
                {error && (
                  <p className="field__error" role="alert">
                    {error}
                  </p>
                )}
              </form>
            ) : (
              <>
                <span className="extracted-value">{displayValue(row, lang, typeName) || <span className="muted">{t('cp.notFound')}</span>}</span>
                {row.confirmed && <span className="badge badge--ready">{t('cp.confirmed')}</span>}
                <div className="muted small" title={row.detail}>
                  {sourceText(row, lang)}
                </div>
                {editable && (
                  <div className="button-row">
                    {!row.confirmed && row.value !== null && (
                      <button type="button" className="button button--small" onClick={() => onConfirm(row.field).catch((e) => setError(errorMessage(e, lang)))}>
                        {t('cp.confirm')}
                      </button>
                    )}
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() => {
                        setText(row.value === null ? '' : String(row.value));
                        setError('');
                        setEditing(row.field);
                      }}
                    >
                      {t('cp.correct')}
                    </button>
                  </div>
                )}
                {error && editing === null && (
                  <p className="field__error" role="alert">
                    {error}
                  </p>
                )}
              </>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The panel with its data: loads the values, and after a confirmation or correction
 * reloads the document (its fields changed) through ``onChanged``. */
export default function ExtractedPanel({
  documentId,
  editable,
  typeName,
  typeCodes,
  onChanged,
}: {
  documentId: number;
  editable: boolean;
  typeName?: (code: string) => string;
  typeCodes?: string[];
  onChanged: () => void;
}) {
  const { t, lang } = useCp();
  const [values, setValues] = useState<ExtractedValue[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    getExtracted(documentId).then(
      (rows) => live && setValues(rows),
      (e) => live && setError(errorMessage(e, lang)),
    );
    return () => {
      live = false;
    };
  }, [documentId, lang]);
  const replace = (row: ExtractedValue) => {
    setValues((rows) => (rows ?? []).map((r) => (r.field === row.field ? row : r)));
    onChanged();
  };
  return (
    <section className="panel" aria-labelledby="extracted-heading">
      <h2 id="extracted-heading" className="panel__title">
        {t('cp.extracted')}
      </h2>
      <p className="muted small">{t('cp.extractedHelp')}</p>
      {error && <p className="field__error">{error}</p>}
      {values && (
        <ExtractedList
          values={values}
          editable={editable}
          typeName={typeName}
          typeCodes={typeCodes}
          onConfirm={(field) => confirmValue(documentId, field).then(replace)}
          onCorrect={(field, value) => correctValue(documentId, field, value).then(replace)}
        />
      )}
    </section>
  );
}
