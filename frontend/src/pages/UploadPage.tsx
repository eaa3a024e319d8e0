import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { departmentName, useLang, useSession } from '../context';
import { errorMessage, getStatuses, retryDocument, uploadDocument, type DocumentDetail, type Status } from '../lib/api';
import { formatBytes } from '../lib/format';
import { departmentsWithAuthority } from '../lib/permissions';
import { Link } from '../router';
import { ErrorMessage, StatusBadge } from '../components/ui';

type Phase = 'waiting' | 'sending' | 'sent' | 'send-failed';

interface Item {
  key: string;
  file: File;
  phase: Phase;
  progress: number;
  error: unknown;
  doc: { id: number; title: string; status: Status; error: string; duplicates: number[] } | null;
  retrying: boolean;
}

const PARALLEL = 2;
const POLL_MS = 2000;

let counter = 0;

export default function UploadPage() {
  const { t, lang } = useLang();
  const { me, departments, documentTypes } = useSession();
  const allowed = useMemo(() => departmentsWithAuthority(me, departments), [me, departments]);
  const [items, setItems] = useState<Item[]>([]);
  const [dragging, setDragging] = useState(false);
  const [department, setDepartment] = useState('');
  const [documentType, setDocumentType] = useState('');
  const [documentDate, setDocumentDate] = useState('');
  const [title, setTitle] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const options = useRef({ department, documentType, documentDate, title });
  options.current = { department, documentType, documentDate, title };

  useEffect(() => {
    document.title = `${t('upload.title')} — ${t('app.name')}`;
  }, [t]);
  useEffect(() => {
    if (!department && allowed.length === 1) setDepartment(allowed[0].code);
    else if (!department && me.departments.length === 1) setDepartment(me.departments[0].code);
  }, [allowed, department, me.departments]);

  const update = useCallback((key: string, change: Partial<Item>) => {
    setItems((list) => list.map((item) => (item.key === key ? { ...item, ...change } : item)));
  }, []);

  const needsDepartment = allowed.length > 1 && !department;
  const addFiles = (files: FileList | File[]) => {
    if (needsDepartment) return;
    const added = [...files].map<Item>((file) => ({
      key: `f${++counter}`,
      file,
      phase: 'waiting',
      progress: 0,
      error: null,
      doc: null,
      retrying: false,
    }));
    if (added.length) setItems((list) => [...list, ...added]);
  };

  // Send waiting files, at most PARALLEL at a time, each with its own progress bar.
  useEffect(() => {
    const sending = items.filter((i) => i.phase === 'sending').length;
    const next = items.filter((i) => i.phase === 'waiting').slice(0, Math.max(0, PARALLEL - sending));
    for (const item of next) {
      update(item.key, { phase: 'sending', progress: 0, error: null });
      const { department: dept, documentType: type, documentDate: date, title: name } = options.current;
      const handle = uploadDocument(
        item.file,
        { department: dept, document_type: type, document_date: date, title: name && items.length === 1 ? name : '' },
        (fraction) => update(item.key, { progress: fraction }),
      );
      handle.promise.then(
        (doc: DocumentDetail) =>
          update(item.key, {
            phase: 'sent',
            progress: 1,
            doc: { id: doc.id, title: doc.title, status: doc.status, error: doc.error, duplicates: doc.duplicates ?? [] },
          }),
        (error) => update(item.key, { phase: 'send-failed', error }),
      );
    }
  }, [items, update]);

  // Follow each sent document until it is ready or failed.
  const pending = items.filter((i) => i.doc && (i.doc.status === 'queued' || i.doc.status === 'processing'));
  const pendingKey = pending.map((i) => i.doc!.id).join(',');
  useEffect(() => {
    if (!pendingKey) return;
    const ids = pendingKey.split(',').map(Number);
    const timer = setInterval(() => {
      getStatuses(ids).then(
        (docs) =>
          setItems((list) =>
            list.map((item) => {
              const doc = item.doc && docs.get(item.doc.id);
              return doc && item.doc ? { ...item, doc: { ...item.doc, status: doc.status, error: doc.error, title: doc.title } } : item;
            }),
          ),
        () => undefined,
      );
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [pendingKey]);

  const retry = (item: Item) => {
    if (!item.doc) return;
    update(item.key, { retrying: true, error: null });
    retryDocument(item.doc.id).then(
      (doc) => update(item.key, { retrying: false, doc: { ...item.doc!, status: doc.status, error: doc.error } }),
      (error) => update(item.key, { retrying: false, error }),
    );
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (event.dataTransfer.files.length) addFiles(event.dataTransfer.files);
  };

  const finished = items.filter((i) => i.doc?.status === 'ready').length;

  return (
    <div className="upload-page">
      <h1 className="page-title">{t('upload.title')}</h1>
      <p className="lead muted">{t('upload.intro')}</p>
      <div className="upload-layout">
        <section className="panel" aria-labelledby="upload-options">
          <h2 id="upload-options" className="panel__title">
            {t('upload.options')}
          </h2>
          <div className="stack">
            <div className="field">
              <label htmlFor="upload-department">
                {t('upload.department')} <span className="required">({t('common.required')})</span>
              </label>
              <select id="upload-department" value={department} onChange={(e) => setDepartment(e.target.value)}>
                {allowed.length !== 1 && <option value="">{t('upload.selectDepartment')}</option>}
                {allowed.map((d) => (
                  <option key={d.id} value={d.code}>
                    {departmentName(d, lang)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="upload-type">
                {t('upload.documentType')} <span className="muted small">({t('common.optional')})</span>
              </label>
              <select id="upload-type" value={documentType} onChange={(e) => setDocumentType(e.target.value)}>
                <option value="">{t('common.none')}</option>
                {documentTypes.map((type) => (
                  <option key={type.code} value={type.code}>
                    {lang === 'en' && type.name_en ? type.name_en : type.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="upload-date">
                {t('upload.documentDate')} <span className="muted small">({t('common.optional')})</span>
              </label>
              <input id="upload-date" type="date" value={documentDate} onChange={(e) => setDocumentDate(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="upload-title">
                {t('upload.titleField')} <span className="muted small">({t('common.optional')})</span>
              </label>
              <input id="upload-title" value={title} onChange={(e) => setTitle(e.target.value)} maxLength={300} />
            </div>
          </div>
        </section>
        <div className="upload-main">
          <div
            className={dragging ? 'dropzone is-dragging' : 'dropzone'}
            onDragOver={(e) => {
              e.preventDefault();
              e.dataTransfer.dropEffect = 'copy';
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            <span className="dropzone__icon" aria-hidden="true">
              ⇪
            </span>
            <p className="dropzone__title">{t('upload.drop')}</p>
            <p className="muted">{t('upload.or')}</p>
            <button type="button" className="button button--primary" onClick={() => input.current?.click()} disabled={needsDepartment} aria-describedby={needsDepartment ? 'upload-needs-department' : undefined}>
              {t('upload.pick')}
            </button>
            {needsDepartment && (
              <p id="upload-needs-department" className="alert alert--info">
                {t('upload.chooseDepartmentFirst')}
              </p>
            )}
            <input
              ref={input}
              id="upload-files"
              type="file"
              multiple
              className="visually-hidden"
              tabIndex={-1}
              aria-label={t('upload.pick')}
              onChange={(e) => {
                if (e.target.files) addFiles(e.target.files);
                e.target.value = '';
              }}
            />
            <p className="hint">{t('upload.hint')}</p>
          </div>
          <section aria-labelledby="upload-queue" className="queue">
            <div className="queue__head">
              <h2 id="upload-queue" className="panel__title">
                {t('upload.queue')}
              </h2>
              {items.length > 0 && (
                <span className="muted" role="status" aria-live="polite">
                  {t('upload.summary', { done: finished, total: items.length })}
                </span>
              )}
              {finished > 0 && (
                <button type="button" className="button button--ghost button--small" onClick={() => setItems((list) => list.filter((i) => i.doc?.status !== 'ready'))}>
                  {t('upload.clearFinished')}
                </button>
              )}
            </div>
            {items.length === 0 && <p className="empty-state empty-state--small muted">{t('upload.empty')}</p>}
            <ul className="queue__list">
              {items.map((item) => (
                <QueueItem key={item.key} item={item} onRetry={() => retry(item)} onResend={() => update(item.key, { phase: 'waiting', error: null })} onRemove={() => setItems((list) => list.filter((i) => i.key !== item.key))} />
              ))}
            </ul>
          </section>
        </div>
      </div>
    </div>
  );
}

function QueueItem({ item, onRetry, onResend, onRemove }: { item: Item; onRetry: () => void; onResend: () => void; onRemove: () => void }) {
  const { t, lang } = useLang();
  const percent = Math.round(item.progress * 100);
  const status = item.doc?.status;
  return (
    <li className={`queue-item queue-item--${status ?? item.phase}`} data-filename={item.file.name} data-status={status ?? item.phase}>
      <div className="queue-item__row">
        <div className="queue-item__name">
          {item.doc ? <Link to={`/documents/${item.doc.id}`}>{item.file.name}</Link> : <span>{item.file.name}</span>}
          <span className="muted small"> {formatBytes(item.file.size, lang)}</span>
        </div>
        <div className="queue-item__status">
          {item.phase === 'waiting' && <span className="badge badge--neutral">{t('upload.waiting')}</span>}
          {item.phase === 'sending' && (
            <span className="badge badge--processing">{percent >= 100 ? t('upload.receiving') : t('upload.sending', { percent })}</span>
          )}
          {item.phase === 'send-failed' && <span className="badge badge--failed">{t('upload.sendFailed')}</span>}
          {status && <StatusBadge status={status} />}
        </div>
      </div>
      {(item.phase === 'sending' || item.phase === 'waiting') && (
        <div className="progress">
          <progress max={100} value={percent} aria-label={t('upload.progress', { name: item.file.name })} />
        </div>
      )}
      {item.phase === 'sent' && (status === 'queued' || status === 'processing') && (
        <div className="progress progress--indeterminate" aria-hidden="true">
          <span />
        </div>
      )}
      {item.doc && item.doc.duplicates.length > 0 && (
        <p className="small muted">
          {t('upload.duplicate')}:{' '}
          {item.doc.duplicates.map((id) => (
            <Link key={id} to={`/documents/${id}`}>
              #{id}{' '}
            </Link>
          ))}
        </p>
      )}
      {status === 'failed' && (
        <p className="queue-item__error" role="alert">
          {t('err.processingFailed')} {item.doc?.error && <span lang="ja">{item.doc.error}</span>}
        </p>
      )}
      {item.error !== null && <ErrorMessage>{errorMessage(item.error, lang)}</ErrorMessage>}
      <div className="button-row">
        {status === 'ready' && (
          <Link to={`/documents/${item.doc!.id}`} className="button button--small">
            {t('upload.open')}
          </Link>
        )}
        {status === 'failed' && (
          <button type="button" className="button button--small" onClick={onRetry} disabled={item.retrying}>
            {t('upload.retry')}
          </button>
        )}
        {item.phase === 'send-failed' && (
          <button type="button" className="button button--small" onClick={onResend}>
            {t('upload.resend')}
          </button>
        )}
        {item.phase !== 'sending' && (
          <button type="button" className="button button--ghost button--small" onClick={onRemove}>
            {t('upload.remove')}
          </button>
        )}
      </div>
    </li>
  );
}
