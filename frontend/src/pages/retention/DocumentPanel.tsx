/**
 * A document's retention, shown under the document page (App.tsx puts it there, so the
 * document page itself stays untouched): its class or file, dates and the store's lock;
 * records officers put the document into a file or give it a class of its own.
 */
import { useCallback, useContext, useEffect, useState } from 'react';
import { SessionContext } from '../../context';
import { ApiError, errorMessage } from '../../lib/api';
import { formatDate } from '../../lib/format';
import { Link } from '../../router';
import { ErrorMessage } from '../../components/ui';
import { classifyDocuments, getClasses, getDocumentRetention, type DocumentRetention, type RetentionClass } from './client';
import { FileChooser } from './FileChooser';
import { useRt } from './i18n';
import { classLabel, isRecordsOfficer } from './model';

export default function DocumentPanel({ id }: { id: string }) {
  const { t, lang } = useRt();
  const session = useContext(SessionContext);
  const officer = isRecordsOfficer(session?.me);
  // undefined: loading; null: not classified yet (the API answers 404).
  const [entry, setEntry] = useState<DocumentRetention | null | undefined>(undefined);
  const [classes, setClasses] = useState<RetentionClass[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const load = useCallback(
    () =>
      getDocumentRetention(id).then(setEntry, (error) => {
        if (error instanceof ApiError && error.status === 404) setEntry(null);
        else setFailure(error);
      }),
    [id],
  );
  useEffect(() => {
    void load();
    getClasses().then(setClasses, () => setClasses([]));
  }, [load]);
  if (entry === undefined && failure === null) return null;
  // Staff: nothing to say about a document without retention (or one they cannot see).
  if (entry === null && !officer) return null;
  const date = (iso: string | null) => (iso ? formatDate(iso, lang) : '—');
  return (
    <section className="panel" aria-labelledby="rt-document" data-testid="document-retention" style={{ marginTop: 16 }}>
      <h2 id="rt-document" className="panel__title">
        {t('rt.onDocument')}
      </h2>
      {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
      {entry === null && <p className="muted small">{t('rt.notClassified')}</p>}
      {entry && (
        <dl className="meta-list">
          <dt>{t('rt.class')}</dt>
          <dd>{classLabel(entry.retention_class, classes, lang)}</dd>
          {entry.record_file !== null && (
            <>
              <dt>{t('rt.file')}</dt>
              <dd>
                <Link to={`/retention/files/${entry.record_file}`}>{t('rt.file')} #{entry.record_file}</Link>
              </dd>
            </>
          )}
          <dt>{t('rt.startDate')}</dt>
          <dd>{date(entry.start_date)}</dd>
          <dt>{t('rt.baseExpiry')}</dt>
          <dd>{date(entry.base_expiry)}</dd>
          <dt>{t('rt.effectiveExpiry')}</dt>
          <dd data-iso={entry.effective_expiry ?? ''}>{entry.open_hold ? t('rt.openHold') : date(entry.effective_expiry)}</dd>
          <dt>{t('rt.lock')}</dt>
          <dd>
            {entry.lock_until ? date(entry.lock_until) : '—'}
            {entry.lock_legal_hold ? ` · ${t('rt.legalHold')}` : ''}
          </dd>
        </dl>
      )}
      {officer && <ClassifyForm documentId={Number(id)} classes={classes} onDone={() => void load()} />}
    </section>
  );
}

function ClassifyForm({ documentId, classes, onDone }: { documentId: number; classes: RetentionClass[]; onDone: () => void }) {
  const { t, lang } = useRt();
  const [fileId, setFileId] = useState('');
  const [classCode, setClassCode] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const classify = (body: Record<string, unknown>) => {
    setFailure(null);
    classifyDocuments([documentId], body).then(onDone, setFailure);
  };
  return (
    <div data-testid="document-classify">
      <FileChooser value={fileId} onChange={setFileId} onError={setFailure} />
      <div className="button-row">
        <button type="button" className="button button--primary" disabled={!fileId} onClick={() => classify({ record_file: Number(fileId) })}>
          {t('rt.putIntoFile')}
        </button>
      </div>
      <div className="ap-form__row">
        <label className="field">
          <span>{t('rt.standalone')}</span>
          <select name="retention_class" value={classCode} onChange={(e) => setClassCode(e.target.value)}>
            <option value="" />
            {classes
              .filter((c) => c.active)
              .map((c) => (
                <option key={c.code} value={c.code}>
                  {classLabel(c.code, classes, lang)}
                </option>
              ))}
          </select>
        </label>
        <button type="button" className="button" disabled={!classCode} onClick={() => classify({ retention_class: classCode })}>
          {t('rt.setClass')}
        </button>
      </div>
      {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
    </div>
  );
}
