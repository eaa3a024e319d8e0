/** 案件: the decision PDF, the route as a timeline, the permitted actions, comments, signatures. */
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useLang, useSession } from '../../context';
import { ApiError, downloadUrl, errorMessage } from '../../lib/api';
import { formatDateTime, formatYen } from '../../lib/format';
import { Link } from '../../router';
import { ErrorMessage, Spinner } from '../../components/ui';
import { act, addComment, decisionPdfUrl, getCase, getVerification, idempotencyKey, stampPreviewUrl, type CaseDetail, type Verification } from './client';
import { labelOf, useAp } from './i18n';
import { actionLabel, allGreen, capacityOf, myTask, NEEDS_COMMENT, STAMPING, taskSummary } from './model';
import { ApprovalsNav } from './Nav';
import { CaseNotes } from './CaseNotes';

const PdfViewer = lazy(() => import('../../components/PdfViewer'));
const noHits = () => undefined;

export default function CasePage({ id }: { id: string }) {
  const { t } = useAp();
  const { lang } = useLang();
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [pending, setPending] = useState<string | null>(null);

  const load = useCallback(() => {
    getCase(id).then(
      (data) => {
        setDetail(data);
        setFailure(null);
      },
      setFailure,
    );
  }, [id]);
  useEffect(load, [load]);
  useEffect(() => {
    document.title = `${detail?.title ?? t('ap.case')} — Kiroku`;
  }, [detail, t]);

  if (failure !== null && !detail) {
    const notFound = failure instanceof ApiError && failure.status === 404;
    return (
      <div className="empty-state" data-testid="case-error">
        <h1>{notFound ? (lang === 'en' ? 'Not found' : '見つかりません') : t('ap.case')}</h1>
        <ErrorMessage onRetry={notFound ? undefined : load}>{errorMessage(failure, lang)}</ErrorMessage>
        <p>
          <Link to="/approvals">{t('ap.back')}</Link>
        </p>
      </div>
    );
  }
  if (!detail) return <Spinner label={t('ap.case')} />;

  return (
    <div className="approvals-page case-page" data-case-state={detail.state}>
      <ApprovalsNav current="" />
      <div className="document-page__head">
        <h1 className="page-title">{detail.title}</h1>
        <div className="document-page__badges">
          <span className="badge badge--neutral" data-testid="case-state">
            {labelOf(detail, 'state', lang)}
          </span>
          {detail.is_important && <span className="tag">{t('ap.important')}</span>}
          {detail.is_unusual && <span className="tag">{t('ap.unusual')}</span>}
          {detail.is_doubtful && <span className="tag">{t('ap.doubtful')}</span>}
        </div>
        <p className="muted small">
          {detail.matter_type ? (lang === 'en' ? detail.matter_type.name_en || detail.matter_type.name : detail.matter_type.name) : ''}
          {detail.amount !== null && ` · ${formatYen(detail.amount)}`}
          {` · ${detail.drafter.display_name || detail.drafter.username}`}
          {detail.section && ` · ${lang === 'en' ? detail.section.name_en || detail.section.name : detail.section.name}`}
        </p>
      </div>
      {notice && (
        <div className="alert alert--success" role="status">
          <div className="alert__body">
            <p>{notice}</p>
          </div>
        </div>
      )}
      {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
      <div className="document-layout">
        <section className="document-layout__viewer" aria-label={t('ap.pdf')}>
          <CasePdf detail={detail} />
        </section>
        <div className="document-layout__side">
          <section className="panel" aria-labelledby="ap-actions">
            <h2 id="ap-actions" className="panel__title">
              {t('ap.actions')}
            </h2>
            {detail.allowed_actions.length === 0 && <p className="muted small">{t('ap.noActions')}</p>}
            <div className="button-row">
              {detail.allowed_actions.map((action) => (
                <button
                  key={action}
                  type="button"
                  className={NEEDS_COMMENT.has(action) || action === 'withdraw' ? 'button' : 'button button--primary'}
                  data-action={action}
                  onClick={() => setPending(action)}
                >
                  {actionLabel(action, lang)}
                </button>
              ))}
            </div>
          </section>
          <Timeline detail={detail} />
          <VerificationPanel caseId={detail.id} revision={detail.revision} />
          <CaseNotes detail={detail} onAdded={load} />
          <Comments detail={detail} onPosted={load} />
          {detail.attachments.length > 0 && (
            <section className="panel" aria-labelledby="ap-attachments">
              <h2 id="ap-attachments" className="panel__title">
                {t('ap.attachments')}
              </h2>
              <ul className="ap-list">
                {detail.attachments.map((a) => (
                  <li key={a.document}>
                    <Link to={`/documents/${a.document}`}>{a.title}</Link>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
      </div>
      {pending && (
        <ConfirmAction
          detail={detail}
          action={pending}
          onCancel={() => setPending(null)}
          onDone={(next, replayed) => {
            setPending(null);
            setDetail(next);
            setFailure(null);
            setNotice(t('ap.done', { action: actionLabel(pending, lang) }) + (replayed ? ' (replayed)' : ''));
          }}
          onConflict={(error) => {
            setPending(null);
            setFailure(error);
            load();
          }}
        />
      )}
    </div>
  );
}

/** The decision PDF with its stamps; the body's PDF until the signing service has made one. */
function CasePdf({ detail }: { detail: CaseDetail }) {
  const { t } = useAp();
  const [fallback, setFallback] = useState(false);
  const [broken, setBroken] = useState(false);
  const url = fallback
    ? detail.body
      ? downloadUrl(detail.body.id, 'archive')
      : ''
    : `${decisionPdfUrl(detail.id)}?revision=${detail.revision}`;
  useEffect(() => {
    setFallback(false);
    setBroken(false);
  }, [detail.id, detail.revision]);
  if (!url || broken) return <p className="muted">{t('ap.pdfBody')}</p>;
  return (
    <>
      <p className="muted small" data-testid="pdf-source">
        {fallback ? t('ap.pdfBody') : t('ap.pdf')}
      </p>
      <Suspense fallback={<Spinner label={t('ap.pdf')} />}>
        <PdfViewer
          key={url}
          url={url}
          terms={[]}
          activeHit={null}
          onHits={noHits}
          onError={() => (fallback ? setBroken(true) : setFallback(true))}
        />
      </Suspense>
    </>
  );
}

function Timeline({ detail }: { detail: CaseDetail }) {
  const { t, lang } = useAp();
  return (
    <section className="panel" aria-labelledby="ap-timeline">
      <h2 id="ap-timeline" className="panel__title">
        {t('ap.timeline')}
      </h2>
      <ol className="ap-timeline">
        {detail.steps.map((step) => (
          <li key={step.id} className={`ap-step ap-step--${step.state}`} data-step={step.position} data-step-state={step.state}>
            <div className="ap-step__head">
              <span className="ap-step__pos">{step.position}</span>
              <strong>{labelOf(step, 'kind', lang)}</strong>
              <span className="badge badge--neutral">{labelOf(step, 'state', lang)}</span>
            </div>
            <ul className="ap-tasks">
              {step.tasks.map((task) => (
                <li key={task.id} data-task-state={task.state} data-capacity={task.capacity}>
                  <span>{taskSummary(task, lang)}</span>
                  <span className="muted small"> {labelOf(task, 'state', lang)}</span>
                  {task.acted_at && <span className="muted small"> · {formatDateTime(task.acted_at, lang)}</span>}
                  {task.post_review && !task.post_reviewed_at && <span className="tag">{t('ap.tab.post_review')}</span>}
                  {task.post_reviewed_at && (
                    <span className="tag" data-post-reviewed>
                      {t('ap.postReviewed', { date: formatDateTime(task.post_reviewed_at, lang) })}
                    </span>
                  )}
                  {task.comment && <p className="small">{task.comment}</p>}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}

function ConfirmAction({
  detail,
  action,
  onCancel,
  onDone,
  onConflict,
}: {
  detail: CaseDetail;
  action: string;
  onCancel: () => void;
  onDone: (next: CaseDetail, replayed: boolean) => void;
  onConflict: (error: unknown) => void;
}) {
  const { t, lang } = useAp();
  const { me } = useSession();
  // One key per opened dialog: a retry after a network failure is the same request.
  const [key] = useState(idempotencyKey);
  const [comment, setComment] = useState('');
  const [toPosition, setToPosition] = useState<string>('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [previewFailed, setPreviewFailed] = useState(false);
  const label = actionLabel(action, lang);
  const mine = myTask(detail, me.id);
  const needsComment = NEEDS_COMMENT.has(action);

  const confirm = () => {
    if (needsComment && !comment.trim()) {
      setFailure(new ApiError(400, { message: t('ap.commentRequired'), message_en: t('ap.commentRequired') }));
      return;
    }
    setBusy(true);
    setFailure(null);
    act(detail.id, action, key, {
      comment: comment.trim() || undefined,
      to_position: toPosition ? Number(toPosition) : undefined,
    }).then(
      (result) => onDone(result.case, result.replayed),
      (error) => {
        setBusy(false);
        if (error instanceof ApiError && error.status === 409) onConflict(error);
        else setFailure(error);
      },
    );
  };

  return (
    <div className="ap-dialog-backdrop">
      <div className="ap-dialog panel" role="dialog" aria-modal="true" aria-labelledby="ap-confirm-title">
        <h2 id="ap-confirm-title" className="panel__title">
          {t('ap.confirm')}: {label}
        </h2>
        <p>{t('ap.confirmText', { action: label })}</p>
        {STAMPING.has(action) && (
          <div className="ap-stamp-preview">
            <h3 className="small">{t('ap.stampPreview')}</h3>
            {!previewFailed && (
              <img
                src={stampPreviewUrl(detail.id, action)}
                alt={t('ap.stampPreview')}
                onError={() => setPreviewFailed(true)}
                data-testid="stamp-preview"
              />
            )}
            <p className="small" data-testid="stamp-text">
              {t('ap.stampText', {
                name: me.display_name || me.username,
                capacity: capacityOf(action, lang),
                step: mine?.step.position ?? '—',
              })}
            </p>
          </div>
        )}
        {action === 'return' && (
          <label className="field">
            <span>{t('ap.returnTo')}</span>
            <select value={toPosition} onChange={(e) => setToPosition(e.target.value)}>
              <option value="">{t('ap.returnToDrafter')}</option>
              {detail.allowed.return_targets.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span>
            {t('ap.comment')} {needsComment && <span className="required">*</span>}
          </span>
          <textarea value={comment} onChange={(e) => setComment(e.target.value)} rows={3} name="comment" />
        </label>
        {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
        <div className="button-row">
          <button type="button" className="button button--primary" onClick={confirm} disabled={busy} data-confirm={action}>
            {label}
          </button>
          <button type="button" className="button" onClick={onCancel} disabled={busy}>
            {lang === 'en' ? 'Cancel' : 'キャンセル'}
          </button>
        </div>
      </div>
    </div>
  );
}

function VerificationPanel({ caseId, revision }: { caseId: number; revision: number }) {
  const { t, lang } = useAp();
  const [data, setData] = useState<Verification | null | 'unavailable'>(null);
  useEffect(() => {
    let live = true;
    getVerification(caseId).then(
      (v) => live && setData(v),
      () => live && setData('unavailable'),
    );
    return () => {
      live = false;
    };
  }, [caseId, revision]);
  const signatures = data && data !== 'unavailable' ? (data.signatures ?? []) : [];
  const pendingList = data && data !== 'unavailable' && Array.isArray(data.pending) ? data.pending : [];
  const green = allGreen(signatures, pendingList);
  return (
    <section className="panel" aria-labelledby="ap-verify" data-testid="verification" data-all-green={green ? 'true' : 'false'}>
      <h2 id="ap-verify" className="panel__title">
        {t('ap.verification')}
      </h2>
      {data === null && <Spinner inline label={t('ap.verification')} />}
      {data === 'unavailable' && <p className="muted small">{t('ap.verifyUnavailable')}</p>}
      {data && data !== 'unavailable' && signatures.length === 0 && <p className="muted small">{t('ap.noSignatures')}</p>}
      {signatures.length > 0 && (
        <>
          <p className={green ? 'ap-ok' : 'ap-bad'}>{green ? t('ap.sig.allGood') : t('ap.sig.problem')}</p>
          <ul className="ap-signatures">
            {signatures.map((s, i) => {
              const ok = s.intact !== false && s.valid !== false;
              return (
                <li key={i} className={ok ? 'ap-sig ap-sig--ok' : 'ap-sig ap-sig--bad'} data-sig-ok={ok ? 'true' : 'false'}>
                  <strong>{String(s.signer_name ?? s.signer ?? '')}</strong>
                  <span className="small"> {labelOf(s, 'capacity', lang)}</span>
                  <div className="small muted">
                    {t('ap.sig.signedAt')}: {formatDateTime(s.signed_at ?? null, lang)}
                    {s.timestamp_at && ` · ${t('ap.sig.timestamp')}: ${formatDateTime(s.timestamp_at, lang)}`}
                    {s.timestamp_authority && ` (${s.timestamp_authority})`}
                  </div>
                  <div className="small">
                    {ok ? t('ap.sig.intact') : t('ap.sig.broken')} · {s.whole_file ? t('ap.sig.wholeFile') : t('ap.sig.partial')}
                  </div>
                </li>
              );
            })}
          </ul>
        </>
      )}
      {pendingList.length > 0 && (
        <p className="small ap-bad">
          {t('ap.sig.pending')}: {pendingList.length}
        </p>
      )}
    </section>
  );
}

function Comments({ detail, onPosted }: { detail: CaseDetail; onPosted: () => void }) {
  const { t, lang } = useAp();
  const [body, setBody] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <section className="panel" aria-labelledby="ap-comments">
      <h2 id="ap-comments" className="panel__title">
        {t('ap.comments')}
      </h2>
      {detail.comments.length === 0 && <p className="muted small">{t('ap.noComments')}</p>}
      <ul className="ap-comments">
        {detail.comments.map((c) => (
          <li key={c.id}>
            <strong>{c.author.display_name || c.author.username}</strong>{' '}
            <span className="muted small">{formatDateTime(c.created_at, lang)}</span>
            <p>{c.body}</p>
          </li>
        ))}
      </ul>
      {detail.allowed.can_comment && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!body.trim()) return;
            setBusy(true);
            addComment(detail.id, body.trim())
              .then(() => {
                setBody('');
                setFailure(null);
                onPosted();
              }, setFailure)
              .finally(() => setBusy(false));
          }}
        >
          <label className="field">
            <span className="visually-hidden">{t('ap.comment')}</span>
            <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={2} name="new-comment" />
          </label>
          {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
          <button type="submit" className="button button--small" disabled={busy}>
            {t('ap.commentPost')}
          </button>
        </form>
      )}
    </section>
  );
}
