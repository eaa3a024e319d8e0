/** The retention API (/api/retention/, /api/retention/disposition/): types and calls. */
import { api } from '../../lib/api';

export interface RetentionClass {
  id: number;
  code: string;
  name: string;
  name_en: string;
  duration: number | null;
  unit: string;
  start_rule: string;
  action: string;
  registered: boolean;
  active: boolean;
}

export interface Hold {
  id: number;
  record_file: number | null;
  document: number | null;
  hold_type: string;
  hold_type_display: string;
  reference: string;
  started_on: string;
  event_on: string | null;
  until: string | null;
  note: string;
  created_at: string;
}

export interface Extension {
  id: number;
  record_file: number | null;
  document: number | null;
  years: number;
  reason: string;
  remark: string;
  created_at: string;
}

export interface RecordFile {
  id: number;
  retention_class: string;
  title: string;
  fiscal_year: number;
  category_major: string;
  category_middle: string;
  creator_post: string;
  creator_section: string | null;
  medium: string;
  location: string;
  custodian: string;
  remarks: string;
  start_rule: string;
  action: string;
  action_at_expiry: string;
  created_on: string | null;
  completed_on: string | null;
  start_date: string | null;
  start_date_display: string;
  base_expiry: string | null;
  effective_expiry: string | null;
  expiry_display: string;
  open_hold: boolean;
  period: string;
  document_count: number;
  closed_at: string | null;
}

export interface RecordFileDetail extends RecordFile {
  holds: Hold[];
  extensions: Extension[];
  corrections: { before: string | null; after: string; reason: string; by: string; at: string }[];
  custody_transfers: { from: string; to: string; effective_on: string; reason: string; by: string }[];
  documents: { document_id: number; document__title: string }[];
}

export interface DocumentRetention {
  document: number;
  record_file: number | null;
  retention_class: string | null;
  start_date: string | null;
  base_expiry: string | null;
  effective_expiry: string | null;
  open_hold: boolean;
  lock_until: string | null;
  lock_legal_hold: boolean;
  lock_synced_at: string | null;
}

export interface QueueFile {
  id: number;
  title: string;
  fiscal_year: number;
  retention_class: string;
  custodian: string;
  base_expiry: string | null;
  effective_expiry: string | null;
  action: string;
}

export interface Proposal {
  id: number;
  method: string;
  state: string;
  reason: string;
  reference: string;
  case: number | null;
  proposed_by: number;
  proposed_at: string;
  decided_by: number | null;
  decided_at: string | null;
  received_at: string | null;
  finished_at: string | null;
  package_key?: string;
  items: { record_file: number; title: string; state: string; refusal: string }[];
}

export interface Tombstone {
  record_file: number;
  method: string;
  register_row: Record<string, unknown>;
  hashes: { document: number; title: string; version: number; sha256: string }[];
  proposal: number;
  decision_reference: string;
  decided_by: number | null;
  decided_at: string | null;
  executed_at: string;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** A list endpoint's rows whether it pages (DRF's {count, results}) or not. */
export function rowsOf<T>(data: Page<T> | T[]): T[] {
  return Array.isArray(data) ? data : data.results;
}

const R = '/api/retention';
const D = '/api/retention/disposition';

export const getClasses = () => api<Page<RetentionClass> | RetentionClass[]>(`${R}/classes/?page_size=100`).then(rowsOf);
export const getFiles = (query: string) => api<Page<RecordFile>>(`${R}/files/?${query}`);
export const getFile = (id: number | string) => api<RecordFileDetail>(`${R}/files/${id}/`);
/** Change a file's register fields (officers; the custodian changes only through 所管換). */
export const updateFile = (id: number, fields: Record<string, unknown>) => api<RecordFile>(`${R}/files/${id}/`, { method: 'PATCH', body: fields });
export const createFile = (fields: Record<string, unknown>) => api<RecordFile>(`${R}/files/`, { method: 'POST', body: fields });
export const classifyIntoFile = (fileId: number | string, documentIds: number[]) =>
  api<DocumentRetention[]>(`${R}/files/${fileId}/classify/`, { method: 'POST', body: { document_ids: documentIds } });
/** Classify documents (all or nothing): `{record_file: id}` or `{retention_class: code}`. */
export const classifyDocuments = (documentIds: number[], target: Record<string, unknown>) =>
  api<DocumentRetention[]>(`${R}/documents/classify/`, { method: 'POST', body: { document_ids: documentIds, ...target } });
export const getDocumentRetention = (documentId: number | string) => api<DocumentRetention>(`${R}/documents/${documentId}/`);
export const addHold = (fields: Record<string, unknown>) => api<Hold>(`${R}/holds/`, { method: 'POST', body: fields });
export const endHold = (id: number, eventOn: string) => api<Hold>(`${R}/holds/${id}/end/`, { method: 'POST', body: { event_on: eventOn } });
export const getOpenHolds = () => api<Page<Hold> | Hold[]>(`${R}/holds/?open=true`).then(rowsOf);
export const addExtension = (fields: Record<string, unknown>) => api<Extension>(`${R}/extensions/`, { method: 'POST', body: fields });
export const correctStartDate = (fields: Record<string, unknown>) =>
  api<{ before: string | null; after: string; reason: string }>(`${R}/documents/correct-start-date/`, { method: 'POST', body: fields });
export const transferCustody = (fileIds: number[], toSection: string, reason: string) =>
  api<RecordFile[]>(`${R}/files/transfer-custody/`, { method: 'POST', body: { file_ids: fileIds, to_section: toSection, reason } });

export const getQueue = () => api<Page<QueueFile> | QueueFile[]>(`${D}/queue/`).then(rowsOf);
export const getWarnings = () => api<Page<QueueFile> | QueueFile[]>(`${D}/warnings/`).then(rowsOf);
export const getProposals = () => api<Page<Proposal> | Proposal[]>(`${D}/proposals/`).then(rowsOf);
export const propose = (files: number[], method: string, reason: string) =>
  api<Proposal>(`${D}/proposals/`, { method: 'POST', body: { files, method, reason } });
export const proposalAction = (id: number, action: 'approve' | 'execute' | 'receipt') =>
  api<Proposal>(`${D}/proposals/${id}/${action}/`, { method: 'POST' });
export const getTombstones = (query: string) => api<Page<Tombstone>>(`${D}/tombstones/${query ? `?${query}` : ''}`);
/** A transfer proposal's package (BagIt, tar.gz), once built. */
export const packageUrl = (proposalId: number) => `${D}/proposals/${proposalId}/package/`;

/** The register's download address: CSV (UTF-8 with BOM or cp932) or XLSX, full or public. */
export function registerUrl(kind: 'csv' | 'xlsx', options: { public?: boolean; encoding?: 'utf-8' | 'cp932'; lang?: 'ja' | 'en' } = {}): string {
  const query = new URLSearchParams();
  if (options.public) query.set('public', '1');
  if (kind === 'csv' && options.encoding === 'cp932') query.set('encoding', 'cp932');
  if (options.lang === 'en') query.set('lang', 'en');
  const text = query.toString();
  return `${D}/register.${kind}${text ? `?${text}` : ''}`;
}
