/** The counterparty registry: search, register, edit (name, T番号, 法人番号, other names) and,
 * for records officers, merge duplicates into one entry. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useSession } from '../../context';
import { errorMessage } from '../../lib/api';
import {
  createCounterparty,
  listCounterparties,
  mergeCounterparties,
  parseAliases,
  updateCounterparty,
  type Counterparty,
  type CounterpartyInput,
} from './client';
import { useCp } from './i18n';
import './counterparties.css';

export function CounterpartyForm({
  initial,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  initial?: Counterparty;
  submitLabel: string;
  onSubmit: (input: CounterpartyInput) => Promise<unknown>;
  onCancel?: () => void;
}) {
  const { t, lang } = useCp();
  const [name, setName] = useState(initial?.name ?? '');
  const [invoice, setInvoice] = useState(initial?.invoice_number ?? '');
  const [corporate, setCorporate] = useState(initial?.corporate_number ?? '');
  const [aliases, setAliases] = useState((initial?.aliases ?? []).join('\n'));
  const [error, setError] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError('');
    const input = {
      name: name.trim(),
      invoice_number: invoice.trim().normalize('NFKC').toUpperCase(),
      corporate_number: corporate.trim().normalize('NFKC'),
      aliases: parseAliases(aliases),
    };
    onSubmit(input).then(
      () => {
        if (!initial) {
          setName('');
          setInvoice('');
          setCorporate('');
          setAliases('');
        }
      },
      (e) => setError(errorMessage(e, lang)),
    );
  };
  return (
    <form className="cp-form" onSubmit={submit}>
      <label>
        {t('cp.name')}
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {t('cp.invoiceNumber')}
        <input value={invoice} onChange={(e) => setInvoice(e.target.value)} placeholder="T1234567890123" pattern="[TＴtｔ]?[0-9０-９]{13}" />
      </label>
      <label>
        {t('cp.corporateNumber')}
        <input value={corporate} onChange={(e) => setCorporate(e.target.value)} inputMode="numeric" />
      </label>
      <label>
        {t('cp.aliases')}
        <textarea rows={2} value={aliases} onChange={(e) => setAliases(e.target.value)} />
      </label>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="button button--primary">
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            {t('cp.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

export function CounterpartyTable({
  rows,
  mayMerge,
  onSave,
  onMerge,
}: {
  rows: Counterparty[];
  mayMerge: boolean;
  onSave: (id: number, input: CounterpartyInput) => Promise<unknown>;
  onMerge: (into: number, ids: number[]) => Promise<unknown>;
}) {
  const { t, lang } = useCp();
  const [editing, setEditing] = useState<number | null>(null);
  const [selected, setSelected] = useState<number[]>([]);
  const [error, setError] = useState('');
  if (!rows.length) return <p className="muted">{t('cp.empty')}</p>;
  const toggle = (id: number) => setSelected((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]));
  return (
    <>
      {mayMerge && selected.length > 0 && <p className="muted small">{t('cp.selected', { n: selected.length })} — {t('cp.mergeHelp')}</p>}
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      <table className="cp-table">
        <thead>
          <tr>
            {mayMerge && <th aria-label={t('cp.mergeInto')} />}
            <th>{t('cp.name')}</th>
            <th>{t('cp.invoiceNumber')}</th>
            <th>{t('cp.corporateNumber')}</th>
            <th>{t('cp.aliasesShort')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((row) =>
            editing === row.id ? (
              <tr key={row.id}>
                <td colSpan={mayMerge ? 6 : 5}>
                  <CounterpartyForm
                    initial={row}
                    submitLabel={t('cp.save')}
                    onSubmit={(input) => onSave(row.id, input).then(() => setEditing(null))}
                    onCancel={() => setEditing(null)}
                  />
                </td>
              </tr>
            ) : (
              <tr key={row.id} data-testid={`counterparty-${row.id}`}>
                {mayMerge && (
                  <td>
                    <input type="checkbox" aria-label={row.name} checked={selected.includes(row.id)} onChange={() => toggle(row.id)} />
                  </td>
                )}
                <td>{row.name}</td>
                <td>{row.invoice_number}</td>
                <td>{row.corporate_number}</td>
                <td>{row.aliases.join('、')}</td>
                <td>
                  <div className="button-row">
                    <button type="button" className="button button--small" onClick={() => setEditing(row.id)}>
                      {t('cp.edit')}
                    </button>
                    {mayMerge && selected.some((id) => id !== row.id) && (
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() => {
                          setError('');
                          const ids = selected.filter((id) => id !== row.id);
                          onMerge(row.id, ids).then(
                            () => setSelected([]),
                            (e) => setError(errorMessage(e, lang)),
                          );
                        }}
                      >
                        {t('cp.merge')}
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </>
  );
}

export default function CounterpartiesPage() {
  const { t, lang } = useCp();
  const { me } = useSession();
  const [query, setQuery] = useState('');
  const [rows, setRows] = useState<Counterparty[] | null>(null);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const load = useCallback(() => {
    listCounterparties(query).then(setRows, (e) => setError(errorMessage(e, lang)));
  }, [query, lang]);
  useEffect(() => {
    const timer = window.setTimeout(load, 250); // wait for the typing (and IME) to settle
    return () => window.clearTimeout(timer);
  }, [load]);
  useEffect(() => {
    document.title = t('cp.title');
  }, [t]);
  return (
    <div className="counterparties-page">
      <h1 className="page-title">{t('cp.title')}</h1>
      <label className="cp-search">
        {t('cp.search')}
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
      </label>
      {notice && (
        <p className="alert alert--success" role="status">
          {notice}
        </p>
      )}
      {error && <p className="field__error">{error}</p>}
      {rows && (
        <CounterpartyTable
          rows={rows}
          mayMerge={me.sees_everything}
          onSave={(id, input) =>
            updateCounterparty(id, input).then(() => {
              setNotice(t('cp.saved'));
              load();
            })
          }
          onMerge={(into, ids) =>
            mergeCounterparties(into, ids).then(() => {
              setNotice(t('cp.merged', { n: ids.length }));
              load();
            })
          }
        />
      )}
      <section className="panel" aria-labelledby="add-counterparty">
        <h2 id="add-counterparty" className="panel__title">
          {t('cp.add')}
        </h2>
        <CounterpartyForm
          submitLabel={t('cp.add')}
          onSubmit={(input) =>
            createCounterparty(input).then(() => {
              setNotice(t('cp.saved'));
              load();
            })
          }
        />
      </section>
    </div>
  );
}
