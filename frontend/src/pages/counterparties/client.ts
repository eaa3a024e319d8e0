/** The counterparty registry and a document's extracted values (dms/counterparties/api.py). */
import { api } from '../../lib/api';

export type Field = 'document_date' | 'amount' | 'counterparty' | 'title' | 'document_type';
export const FIELDS: Field[] = ['title', 'document_type', 'document_date', 'amount', 'counterparty'];

export interface ExtractedValue {
  field: Field;
  field_label: string;
  value: string | number | null;
  read_as: string;
  source: string;
  source_label: string;
  detail: string;
  line: number | null;
  confirmed: boolean;
  updated_at: string;
}

export interface Counterparty {
  id: number;
  name: string;
  key: string;
  corporate_number: string;
  invoice_number: string;
  aliases: string[];
  algorithm: string;
  match: string;
  updated_at: string;
}

interface Page<T> {
  count: number;
  results: T[];
}

const json = (method: string, body: unknown) => ({ method, body });

export const getExtracted = (id: number | string) => api<ExtractedValue[]>(`/api/documents/${id}/extracted/`);
export const confirmValue = (id: number | string, field: Field) =>
  api<ExtractedValue>(`/api/documents/${id}/extracted/${field}/confirm/`, { method: 'POST' });
export const correctValue = (id: number | string, field: Field, value: string | number | null) =>
  api<ExtractedValue>(`/api/documents/${id}/extracted/${field}/correct/`, json('POST', { value }));

export const listCounterparties = (q: string) =>
  api<Page<Counterparty> | Counterparty[]>(`/api/counterparties/${q ? `?q=${encodeURIComponent(q)}` : ''}`).then((page) =>
    Array.isArray(page) ? page : page.results,
  );
export type CounterpartyInput = Pick<Counterparty, 'name' | 'invoice_number' | 'corporate_number' | 'aliases'>;
export const createCounterparty = (input: CounterpartyInput) => api<Counterparty>('/api/counterparties/', json('POST', input));
export const updateCounterparty = (id: number, input: Partial<CounterpartyInput>) =>
  api<Counterparty>(`/api/counterparties/${id}/`, json('PATCH', input));
export const mergeCounterparties = (id: number, mergeIds: number[]) =>
  api<Counterparty>(`/api/counterparties/${id}/merge/`, json('POST', { merge_ids: mergeIds }));

/** Aliases as typed: split on 、, commas and new lines; blanks and repeats dropped. */
export function parseAliases(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(/[、,，\n]/)) {
    const alias = part.trim();
    if (alias) seen.add(alias);
  }
  return [...seen];
}
