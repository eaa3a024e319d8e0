/** Find an open electronic file by title and choose it (the classify forms share this). */
import { useState, type FormEvent } from 'react';
import { getFiles, type RecordFile } from './client';
import { useRt } from './i18n';
import { filesQuery } from './model';

export function FileChooser({ value, onChange, onError }: { value: string; onChange: (fileId: string) => void; onError: (error: unknown) => void }) {
  const { t } = useRt();
  const [query, setQuery] = useState('');
  const [files, setFiles] = useState<RecordFile[] | null>(null);
  const find = (event: FormEvent) => {
    event.preventDefault();
    getFiles(filesQuery({ title: query })).then((page) => {
      // Paper files and disposed files take no electronic documents (the server refuses them).
      const open = page.results.filter((f) => !f.closed_at && f.medium === 'electronic');
      setFiles(open);
      onChange(open[0] ? String(open[0].id) : '');
    }, onError);
  };
  return (
    <form className="ap-form__row" onSubmit={find}>
      <label className="field">
        <span>{t('rt.findFile')}</span>
        <input name="file-query" value={query} onChange={(e) => setQuery(e.target.value)} />
      </label>
      <button type="submit" className="button">
        {t('rt.search')}
      </button>
      {files !== null &&
        (files.length === 0 ? (
          <span className="muted small">{t('rt.noFileFound')}</span>
        ) : (
          <label className="field">
            <span>{t('rt.file')}</span>
            <select name="record_file" value={value} onChange={(e) => onChange(e.target.value)}>
              {files.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.title} ({f.fiscal_year})
                </option>
              ))}
            </select>
          </label>
        ))}
    </form>
  );
}
