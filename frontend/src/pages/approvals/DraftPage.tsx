/** 起案: the case's fields, its body and attachments, the route proposed by the rules (editable), save / submit. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useLang, useSession } from '../../context';
import { errorMessage, getRecentDocuments, search } from '../../lib/api';
import { parseAmount } from '../../lib/format';
import { Link, useRouter } from '../../router';
import { ErrorMessage } from '../../components/ui';
import {
  act,
  addAttachment,
  addStep,
  createCase,
  getCase,
  getMatterTypes,
  getRouteProposal,
  idempotencyKey,
  markPostReview,
  removeStep,
  updateCase,
  type CaseDetail,
  type MatterType,
  type RouteProposal,
} from './client';
import { labelOf, useAp } from './i18n';
import { ApprovalsNav } from './Nav';

interface Picked {
  id: number;
  title: string;
}

export default function DraftPage() {
  const { t, lang } = useAp();
  const { me } = useSession();
  const { search: query, navigate } = useRouter();
  const caseId = new URLSearchParams(query).get('case');
  const [matterTypes, setMatterTypes] = useState<MatterType[]>([]);
  const [draft, setDraft] = useState<CaseDetail | null>(null);
  const [title, setTitle] = useState('');
  const [matterType, setMatterType] = useState('');
  const [amount, setAmount] = useState('');
  const [flags, setFlags] = useState({ is_important: false, is_unusual: false, is_doubtful: false });
  const [section, setSection] = useState(me.departments[0]?.code ?? '');
  const [body, setBody] = useState<Picked | null>(null);
  const [attachments, setAttachments] = useState<Picked[]>([]);
  const [proposal, setProposal] = useState<RouteProposal | null>(null);
  const [proposalError, setProposalError] = useState<unknown>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = `${t('ap.new')} — Kiroku`;
    getMatterTypes().then(setMatterTypes, setFailure);
  }, [t]);
  useEffect(() => {
    if (!caseId) return;
    getCase(caseId).then((c) => {
      setDraft(c);
      setTitle(c.title);
      setMatterType(c.matter_type?.code ?? '');
      setAmount(c.amount !== null ? String(c.amount) : '');
      setFlags({ is_important: c.is_important, is_unusual: c.is_unusual, is_doubtful: c.is_doubtful });
      setSection(c.section?.code ?? '');
      setBody(c.body ? { id: c.body.id, title: c.body.title } : null);
      setAttachments(c.attachments.map((a) => ({ id: a.document, title: a.title })));
    }, setFailure);
  }, [caseId]);
  // The route the rules propose, while nothing is saved yet (a saved draft shows its own route).
  useEffect(() => {
    if (!matterType || draft) {
      setProposal(null);
      return;
    }
    const timer = window.setTimeout(() => {
      const params: Record<string, string> = { matter_type: matterType };
      if (amount) params.amount = parseAmount(amount);
      if (section) params.section = section;
      getRouteProposal(params).then(
        (p) => {
          setProposal(p);
          setProposalError(null);
        },
        (error) => {
          setProposal(null);
          setProposalError(error);
        },
      );
    }, 300);
    return () => window.clearTimeout(timer);
  }, [matterType, amount, section, draft]);

  const fields = () => ({
    title: title.trim(),
    matter_type: matterType,
    amount: amount ? parseAmount(amount) : null,
    ...flags,
    body: body?.id,
  });

  const save = useCallback(
    async (submit: boolean) => {
      setBusy(true);
      setFailure(null);
      setNotice('');
      try {
        let current = draft;
        if (!current) {
          current = await createCase({ ...fields(), section: section || undefined, attachments: attachments.map((a) => a.id) });
        } else {
          current = await updateCase(current.id, fields());
          const known = new Set(current.attachments.map((a) => a.document));
          for (const a of attachments) if (!known.has(a.id)) current = await addAttachment(current.id, a.id);
        }
        setDraft(current);
        if (submit) {
          await act(current.id, 'submit', idempotencyKey());
          navigate(`/approvals/cases/${current.id}`);
          return;
        }
        navigate(`/approvals/new?case=${current.id}`, { replace: true });
        setNotice(t('ap.saved'));
      } catch (error) {
        setFailure(error);
      } finally {
        setBusy(false);
      }
    },
    // fields() reads the current form state
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [draft, title, matterType, amount, flags, body, attachments, section],
  );

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void save(true);
  };

  return (
    <div className="approvals-page">
      <ApprovalsNav current="new" />
      <h1 className="page-title">{t('ap.new')}</h1>
      {notice && (
        <div className="alert alert--success" role="status">
          <div className="alert__body">
            <p>{notice}</p>
          </div>
        </div>
      )}
      {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
      <form className="ap-form panel" onSubmit={onSubmit}>
        <label className="field">
          <span>
            {t('ap.title')} <span className="required">*</span>
          </span>
          <input name="title" value={title} onChange={(e) => setTitle(e.target.value)} required />
        </label>
        <div className="ap-form__row">
          <label className="field">
            <span>
              {t('ap.matterType')} <span className="required">*</span>
            </span>
            <select name="matter_type" value={matterType} onChange={(e) => setMatterType(e.target.value)} required>
              <option value="" />
              {matterTypes.map((m) => (
                <option key={m.code} value={m.code}>
                  {lang === 'en' ? m.name_en || m.name : m.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('ap.amount')}</span>
            <input name="amount" inputMode="numeric" value={amount} onChange={(e) => setAmount(e.target.value)} />
          </label>
          {me.departments.length > 1 && !draft && (
            <label className="field">
              <span>{t('ap.col.section')}</span>
              <select name="section" value={section} onChange={(e) => setSection(e.target.value)}>
                {me.departments.map((d) => (
                  <option key={d.code} value={d.code}>
                    {lang === 'en' ? d.name_en || d.name : d.name}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        <div className="checks">
          {(['is_important', 'is_unusual', 'is_doubtful'] as const).map((flag) => (
            <label key={flag} className="check">
              <input type="checkbox" name={flag} checked={flags[flag]} onChange={(e) => setFlags({ ...flags, [flag]: e.target.checked })} />
              {t(flag === 'is_important' ? 'ap.important' : flag === 'is_unusual' ? 'ap.unusual' : 'ap.doubtful')}
            </label>
          ))}
        </div>
        <fieldset className="ap-fieldset">
          <legend>
            {t('ap.body')} <span className="required">*</span>
          </legend>
          {body ? (
            <p data-testid="body-picked">
              {body.title}{' '}
              {(!draft || draft.allowed.can_edit) && (
                <button type="button" className="button button--small" onClick={() => setBody(null)}>
                  {t('ap.remove')}
                </button>
              )}
            </p>
          ) : (
            <DocumentPicker name="body" onPick={setBody} />
          )}
        </fieldset>
        <fieldset className="ap-fieldset">
          <legend>{t('ap.attachments')}</legend>
          <ul className="ap-list" data-testid="attachments-picked">
            {attachments.map((a) => (
              <li key={a.id}>{a.title}</li>
            ))}
          </ul>
          <DocumentPicker name="attachment" onPick={(d) => !attachments.some((a) => a.id === d.id) && setAttachments([...attachments, d])} />
          <p className="hint small">
            {t('ap.uploadHint')} <Link to="/upload">{lang === 'en' ? 'Add documents' : '文書の登録'}</Link>
          </p>
        </fieldset>
        <fieldset className="ap-fieldset">
          <legend>{t('ap.route')}</legend>
          {draft ? (
            <RouteEditor draft={draft} onChange={setDraft} onError={setFailure} />
          ) : (
            <>
              {!proposal && !proposalError && <p className="hint small">{t('ap.routeHint')}</p>}
              {proposalError !== null && <ErrorMessage>{errorMessage(proposalError, lang)}</ErrorMessage>}
              {proposal && (
                <>
                  <p className="small">{t('ap.routeProposed', { level: labelOf(proposal, 'decision_level', lang) })}</p>
                  <ol className="ap-route" data-testid="route-proposal">
                    {proposal.steps.map((s) => (
                      <li key={s.position}>
                        <strong>{labelOf(s, 'kind', lang)}</strong> {s.assignees.map((a) => a.holder?.display_name ? `${a.label}（${a.holder.display_name}）` : a.label).join('・')}
                      </li>
                    ))}
                  </ol>
                </>
              )}
            </>
          )}
        </fieldset>
        <div className="button-row">
          <button type="button" className="button" disabled={busy} onClick={() => void save(false)} data-testid="save-draft">
            {t('ap.saveDraft')}
          </button>
          <button type="submit" className="button button--primary" disabled={busy || !body} data-testid="submit-case">
            {t('ap.submit')}
          </button>
        </div>
      </form>
    </div>
  );
}

/** The saved draft's route: add a step, remove one the drafter added, mark an approval 後閲. */
function RouteEditor({ draft, onChange, onError }: { draft: CaseDetail; onChange: (c: CaseDetail) => void; onError: (e: unknown) => void }) {
  const { t, lang } = useAp();
  const [kind, setKind] = useState('approval');
  const [position, setPosition] = useState('1');
  const [user, setUser] = useState('');
  const editable = draft.allowed.can_edit_route;
  return (
    <>
      <ol className="ap-route" data-testid="route">
        {draft.steps.map((s) => (
          <li key={s.id} data-step={s.position}>
            <strong>{labelOf(s, 'kind', lang)}</strong> {s.tasks.map((task) => task.holder?.display_name ? `${task.assignee.label}（${task.holder.display_name}）` : task.assignee.label).join('・')}
            {editable && s.kind === 'approval' && (
              <label className="check small">
                <input
                  type="checkbox"
                  checked={s.tasks.some((task) => task.post_review)}
                  onChange={(e) => markPostReview(draft.id, s.position, e.target.checked).then(onChange, onError)}
                />
                {t('ap.postReview')}
              </label>
            )}
            {editable && s.added_by_drafter && (
              <button type="button" className="button button--small" onClick={() => removeStep(draft.id, s.position).then(onChange, onError)}>
                {t('ap.remove')}
              </button>
            )}
          </li>
        ))}
      </ol>
      {editable && (
        <div className="ap-form__row" data-testid="add-step">
          <label className="field">
            <span>{t('ap.stepKind')}</span>
            <select value={kind} onChange={(e) => setKind(e.target.value)} name="step-kind">
              {(['approval', 'consultation', 'circulation'] as const).map((k) => (
                <option key={k} value={k}>
                  {t(`ap.kind.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('ap.position')}</span>
            <input type="number" min={1} value={position} onChange={(e) => setPosition(e.target.value)} name="step-position" />
          </label>
          <label className="field">
            <span>{t('ap.assignee')}</span>
            <input value={user} onChange={(e) => setUser(e.target.value)} name="step-user" />
          </label>
          <button
            type="button"
            className="button"
            disabled={!user.trim()}
            onClick={() =>
              addStep(draft.id, { kind, position: Number(position), assignees: [{ user: user.trim() }] }).then((c) => {
                setUser('');
                onChange(c);
              }, onError)
            }
          >
            {t('ap.addStep')}
          </button>
        </div>
      )}
    </>
  );
}

/** Search the documents the person may see (the search API), or take one of the newest. */
function DocumentPicker({ name, onPick }: { name: string; onPick: (d: Picked) => void }) {
  const { t } = useAp();
  const { lang } = useLang();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Picked[] | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const find = () => {
    setFailure(null);
    const run = q.trim()
      ? search(new URLSearchParams({ q: q.trim() }).toString()).then((r) => r.results.map((h) => ({ id: h.id, title: h.title })))
      : getRecentDocuments().then((r) => r.results.map((d) => ({ id: d.id, title: d.title })));
    run.then(setFound, setFailure);
  };
  return (
    <div className="ap-picker" data-picker={name}>
      <div className="ap-form__row">
        <label className="field">
          <span>{t('ap.searchDocuments')}</span>
          <input
            value={q}
            name={`${name}-query`}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                find();
              }
            }}
          />
        </label>
        <button type="button" className="button" onClick={find}>
          {t('ap.pickDocument')}
        </button>
      </div>
      {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
      {found && (
        <ul className="ap-list">
          {found.slice(0, 10).map((d) => (
            <li key={d.id}>
              {d.title}{' '}
              <button type="button" className="button button--small" data-pick={d.id} onClick={() => onPick(d)}>
                {t('ap.choose')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
