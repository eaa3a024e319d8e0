/**
 * Records officers' bulk action on the search results: pick documents of the current
 * results page and put them into a file at once (all or nothing). Loaded on demand by the
 * search page; renders nothing for anyone else.
 */
import { useContext, useState } from 'react';
import { SessionContext } from '../../context';
import { errorMessage } from '../../lib/api';
import { ErrorMessage } from '../../components/ui';
import { classifyDocuments } from './client';
import { FileChooser } from './FileChooser';
import { useRt } from './i18n';
import { isRecordsOfficer } from './model';

export default function BulkClassify({ hits }: { hits: { id: number; title: string; deleted?: boolean }[] }) {
  const { t, lang } = useRt();
  const session = useContext(SessionContext);
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [fileId, setFileId] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  if (!isRecordsOfficer(session?.me)) return null;
  const candidates = hits.filter((h) => !h.deleted);
  const toggle = (id: number) =>
    setPicked((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const put = () => {
    setFailure(null);
    setNotice('');
    classifyDocuments([...picked], { record_file: Number(fileId) }).then((entries) => {
      setNotice(t('rt.classifyDone', { n: entries.length }));
      setPicked(new Set());
    }, setFailure);
  };
  return (
    <details className="panel" data-testid="bulk-classify" style={{ marginBottom: 16 }}>
      <summary>{t('rt.bulk')}</summary>
      <fieldset className="field checks">
        <legend>{t('rt.bulkPick')}</legend>
        <label className="check">
          <input type="checkbox" checked={candidates.length > 0 && picked.size === candidates.length} onChange={(e) => setPicked(new Set(e.target.checked ? candidates.map((h) => h.id) : []))} />
          <span>{t('rt.bulkAll')}</span>
        </label>
        {candidates.map((hit) => (
          <label key={hit.id} className="check">
            <input type="checkbox" checked={picked.has(hit.id)} onChange={() => toggle(hit.id)} />
            <span>{hit.title}</span>
          </label>
        ))}
      </fieldset>
      <FileChooser value={fileId} onChange={setFileId} onError={setFailure} />
      <div className="button-row">
        <button type="button" className="button button--primary" disabled={!fileId || picked.size === 0} onClick={put}>
          {t('rt.putIntoFile')} ({picked.size})
        </button>
      </div>
      {notice && (
        <p className="alert alert--success" role="status">
          {notice}
        </p>
      )}
      {failure !== null && <ErrorMessage>{errorMessage(failure, lang)}</ErrorMessage>}
    </details>
  );
}
