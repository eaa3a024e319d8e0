/** Pick documents by title (the ordinary search) and put them into a file, all or nothing. */
import { useState, type FormEvent } from 'react';
import { errorMessage, search, type SearchHit } from '../../lib/api';
import { ErrorMessage } from '../../components/ui';
import { classifyIntoFile } from './client';
import { useRt } from './i18n';

export function ClassifyPicker({ fileId, onDone }: { fileId: number; onDone: () => void }) {
  const { t, lang } = useRt();
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [picked, setPicked] = useState<SearchHit[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);

  const find = (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    search(new URLSearchParams({ q: query }).toString()).then((r) => setHits(r.results), setFailure);
  };
  const toggle = (hit: SearchHit) =>
    setPicked((current) => (current.some((p) => p.id === hit.id) ? current.filter((p) => p.id !== hit.id) : [...current, hit]));
  const put = () => {
    setBusy(true);
    setFailure(null);
    classifyIntoFile(
      fileId,
      picked.map((p) => p.id),
    ).then(
      (entries) => {
        setNotice(t('rt.classifyDone', { n: entries.length }));
        setPicked([]);
        setHits([]);
        setBusy(false);
        onDone();
      },
      (error) => {
        setFailure(error);
        setBusy(false);
      },
    );
  };
  return (
    <div data-testid="classify-picker">
      <p className="muted small">{t('rt.classifyHint')}</p>
      <form className="ap-form__row" onSubmit={find}>
        <label className="field">
          <span>{t('rt.title')}</span>
          <input name="classify-query" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <button type="submit" className="button">
          {t('rt.search')}
        </button>
      </form>
      {hits.length > 0 && (
        <ul className="ap-list small" data-testid="classify-hits">
          {hits.map((hit) => (
            <li key={hit.id}>
              <label className="check">
                <input type="checkbox" checked={picked.some((p) => p.id === hit.id)} onChange={() => toggle(hit)} /> {hit.title}
              </label>
            </li>
          ))}
        </ul>
      )}
      {picked.length > 0 && (
        <p className="small">
          {t('rt.selected')}: {picked.map((p) => p.title).join('、')}
        </p>
      )}
      <button type="button" className="button button--primary" disabled={busy || picked.length === 0} onClick={put}>
        {t('rt.classify')}
      </button>
      {notice && (
        <p className="alert alert--success" role="status">
          {notice}
        </p>
      )}
      {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
    </div>
  );
}
