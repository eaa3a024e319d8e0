/** 備考 after the decision (文書番号 …): the notes on the cover sheet and, for those who may, a form. */
import { useState } from 'react';
import { errorMessage } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { ErrorMessage } from '../../components/ui';
import { addNote, idempotencyKey, type CaseDetail } from './client';
import { useAp } from './i18n';

export const NOTE_MAX = 200; // the service's limit (approvals.services.NOTE_MAX_LENGTH)
export const NOTE_LINES = 4; // 備考 lines on the cover sheet

export function CaseNotes({ detail, onAdded }: { detail: CaseDetail; onAdded: () => void }) {
  const { t, lang } = useAp();
  const [text, setText] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // One key per note being written: a double click or a retry records it once.
  const [key, setKey] = useState(idempotencyKey);
  const notes = detail.notes ?? [];
  const left = Math.max(0, NOTE_LINES - notes.length);
  const tooLong = text.trim().length > NOTE_MAX;
  if (detail.state !== 'decided' && notes.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="ap-notes">
      <h2 id="ap-notes" className="panel__title">
        {t('ap.notes')}
      </h2>
      {notes.length === 0 && <p className="muted small">{t('ap.noNotes')}</p>}
      <ul className="ap-comments" data-testid="case-notes">
        {notes.map((n) => (
          <li key={n.id}>
            <p>{n.text}</p>
            <span className="muted small">
              {n.author.display_name || n.author.username} {formatDateTime(n.created_at, lang)}
              {n.signature_state === 'pending' && ` (${t('ap.notePending')})`}
            </span>
          </li>
        ))}
      </ul>
      {detail.allowed.can_note && left > 0 && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!text.trim() || tooLong) return;
            setBusy(true);
            addNote(detail.id, text.trim(), key)
              .then(() => {
                setText('');
                setFailure(null);
                setKey(idempotencyKey());
                onAdded();
              }, setFailure)
              .finally(() => setBusy(false));
          }}
        >
          <p className="muted small">{t('ap.notesHelp', { max: NOTE_MAX, left })}</p>
          <label className="field">
            <span className="visually-hidden">{t('ap.notes')}</span>
            <input type="text" value={text} onChange={(e) => setText(e.target.value)} name="new-note" maxLength={NOTE_MAX + 50} />
          </label>
          {tooLong && <ErrorMessage>{t('ap.noteTooLong', { max: NOTE_MAX })}</ErrorMessage>}
          {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
          <button type="submit" className="button button--small" disabled={busy || tooLong || !text.trim()}>
            {t('ap.notePost')}
          </button>
        </form>
      )}
    </section>
  );
}
