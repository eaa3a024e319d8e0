/** The REST API: session cookie + CSRF header, JSON, readable errors, upload with progress. */
import { hasKey, SERVER_MESSAGES_EN, translate, type Lang, type MessageKey } from './i18n';

export interface Department {
  id: number;
  code: string;
  name: string;
  name_en: string;
  level: string;
  parent: number | null;
}

export interface DocumentType {
  id: number;
  code: string;
  name: string;
  name_en: string;
}

export interface Me {
  id: number;
  username: string;
  display_name: string;
  role: string;
  departments: Department[];
  sees_everything: boolean;
}

export type Status = 'queued' | 'processing' | 'ready' | 'failed';

export interface SearchHit {
  id: number;
  title: string;
  score: number;
  highlights: string[];
  document_type: string | null;
  department: { id: number; name: string } | null;
  fiscal_year: number | null;
  document_date: string | null;
  amount: number | null;
  counterparty: string | null;
  status: Status;
  deleted: boolean;
}

export interface SearchResponse {
  count: number;
  page?: number;
  page_size?: number;
  results: SearchHit[];
  facets: {
    department?: { id: number; name: string; count: number }[];
    document_type?: { code: string; name: string; count: number }[];
    fiscal_year?: { year: number; count: number }[];
  };
}

export interface Version {
  number: number;
  original_filename: string;
  sha256: string;
  size: number;
  media_type: string;
  page_count: number | null;
  created_by: string;
  created_at: string;
  comment: string;
  processed_at: string | null;
}

export interface DocumentDetail {
  id: number;
  title: string;
  status: Status;
  error: string;
  document_type: string | null;
  department: string | null;
  created_on: string | null;
  fiscal_year: number | null;
  document_number: string;
  source: string;
  metadata: { document_date?: string | null; amount?: number | null; counterparty?: string | null; [k: string]: unknown };
  created_at: string;
  deleted: boolean;
  page_count: number | null;
  content: string;
  versions: Version[];
  contains_personal_number: boolean;
  frozen: boolean;
  retain_until: string | null;
  on_hold: boolean;
  duplicates?: number[];
}

export interface HistoryEntry {
  sequence: number;
  timestamp: string;
  actor: string;
  action: string;
  outcome: string;
  /** Only in the full audit view (records officers and administrators). */
  client_address?: string | null;
  content_sha256: string;
  details: Record<string, unknown>;
}

/** An error the API (or the network) reported, with what to show people in each language. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: unknown;
  constructor(status: number, body: unknown, code = '') {
    super(`API error ${status}${code ? ` (${code})` : ''}`);
    this.status = status;
    this.body = body;
    this.code = code;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fromJapanese(text: string, lang: Lang): string | null {
  if (lang === 'ja') return text;
  return SERVER_MESSAGES_EN[text] ?? null;
}

/** True when a string is mostly ASCII (an English message from DRF/Django). */
function looksEnglish(text: string): boolean {
  return /^[\x20-\x7e\s]*$/.test(text);
}

function statusMessage(status: number, lang: Lang): string {
  if (status === 0) return translate(lang, 'err.network');
  const key = `err.${status}`;
  if (hasKey(key)) return translate(lang, key);
  if (status >= 500) return translate(lang, 'err.500');
  if (status >= 400) return translate(lang, 'err.400');
  return translate(lang, 'err.generic');
}

function textOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textOf);
  if (isRecord(value)) return Object.values(value).flatMap(textOf);
  return [];
}

/**
 * What to tell the person, in their language: the API's own message when it has one in
 * that language, else our wording for the error code or HTTP status. Never raw JSON.
 */
export function errorMessage(error: unknown, lang: Lang): string {
  if (!(error instanceof ApiError)) return translate(lang, 'err.generic');
  const body = error.body;
  if (isRecord(body)) {
    const message = typeof body.message === 'string' ? body.message : '';
    const messageEn = typeof body.message_en === 'string' ? body.message_en : '';
    if (lang === 'en' && messageEn) return messageEn;
    if (lang === 'ja' && message) return message;
    const codeKey = `err.${error.code}`;
    if (error.code && hasKey(codeKey)) return translate(lang, codeKey);
    if (message) {
      const shown = fromJapanese(message, lang);
      if (shown) return shown;
    }
    if (typeof body.detail === 'string') {
      const shown = lang === 'en' && looksEnglish(body.detail) ? body.detail : fromJapanese(body.detail, lang);
      if (shown) return shown;
      return statusMessage(error.status, lang);
    }
    // DRF field errors: {"field": ["message", …], …}
    const parts: string[] = [];
    for (const [field, value] of Object.entries(body)) {
      if (field === 'error') continue;
      const texts = textOf(value)
        .map((t) => (lang === 'en' && !looksEnglish(t) ? SERVER_MESSAGES_EN[t] ?? null : t))
        .filter((t): t is string => Boolean(t));
      if (!texts.length) continue;
      const labelKey = `field.${field}`;
      const label = hasKey(labelKey) ? translate(lang, labelKey) : '';
      parts.push(label ? `${label}: ${texts.join(' ')}` : texts.join(' '));
    }
    if (parts.length) return parts.join(' / ');
  }
  return statusMessage(error.status, lang);
}

/** Which field each message belongs to (for showing errors beside form controls). */
export function fieldErrors(error: unknown): Record<string, string[]> {
  if (!(error instanceof ApiError) || !isRecord(error.body)) return {};
  const result: Record<string, string[]> = {};
  for (const [field, value] of Object.entries(error.body)) {
    if (['error', 'message', 'message_en', 'detail', 'field'].includes(field)) continue;
    const texts = textOf(value);
    if (texts.length) result[field] = texts;
  }
  if (typeof error.body.field === 'string' && typeof error.body.message === 'string') {
    result[error.body.field] = [error.body.message];
  }
  return result;
}

export function csrfToken(cookies: string = typeof document === 'undefined' ? '' : document.cookie): string {
  for (const part of cookies.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'csrftoken') return decodeURIComponent(rest.join('='));
  }
  return '';
}

let currentLang: Lang = 'ja';
/** The language sent as Accept-Language (Django's own messages then come in it). */
export function setApiLanguage(lang: Lang): void {
  currentLang = lang;
}

let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function ensureCsrf(): Promise<string> {
  let token = csrfToken();
  if (!token) {
    await fetch('/api/auth/csrf/', { credentials: 'same-origin' });
    token = csrfToken();
  }
  return token;
}

async function parseBody(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return await response.json();
    } catch (error) {
      // Aborted while reading (the page moved on): not an answer, let the caller ignore it.
      if ((error as Error)?.name === 'AbortError') throw error;
      return null;
    }
  }
  return null; // HTML error pages are never shown
}

export async function api<T>(
  path: string,
  options: { method?: string; body?: unknown; signal?: AbortSignal; quiet401?: boolean; headers?: Record<string, string> } = {},
): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { ...options.headers, Accept: 'application/json', 'Accept-Language': currentLang };
  if (UNSAFE.has(method)) headers['X-CSRFToken'] = await ensureCsrf();
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: options.signal });
  } catch (error) {
    if ((error as Error)?.name === 'AbortError') throw error;
    throw new ApiError(0, null, 'network');
  }
  const data = await parseBody(response);
  if (response.ok && data === null && response.status !== 204) {
    // A 2xx that is not JSON (a proxy's page, a truncated body): an error, never a crash.
    throw new ApiError(response.status, null, 'bad_response');
  }
  if (!response.ok) {
    const code = isRecord(data) && typeof data.error === 'string' ? data.error : '';
    if ((response.status === 401 || response.status === 403) && !options.quiet401 && isUnauthenticated(data)) {
      onUnauthorized?.();
    }
    throw new ApiError(response.status, data, code);
  }
  return data as T;
}

/** 401/403 because nobody is signed in (not a refusal for a signed-in person). */
function isUnauthenticated(data: unknown): boolean {
  if (!isRecord(data)) return false;
  // The API's error codes (a session ended by a password change, an expired token)
  if (data.error === 'not_authenticated' || data.error === 'authentication_failed') return true;
  if (typeof data.detail !== 'string') return false;
  return /認証情報|credentials|not authenticated|ログイン/i.test(data.detail);
}

/** The approvals counts for the header badge (承認・合議・後閲・供覧 waiting for me). */
export const getApprovalCounts = () => api<{ actionable: number }>('/api/approvals/notifications/');
export const getMe = () => api<Me>('/api/auth/me/', { quiet401: true });
export const login = (username: string, password: string) =>
  api<Me>('/api/auth/login/', { method: 'POST', body: { username, password }, quiet401: true });
export const logout = () => api<null>('/api/auth/logout/', { method: 'POST', quiet401: true });
/** An API token of the signed-in user: only its first characters are ever shown again. */
export interface ApiToken {
  token_key: string;
  created: string;
  expiry: string;
  current: boolean;
}
export const getTokens = () => api<ApiToken[]>('/api/auth/tokens/');
export const revokeToken = (tokenKey: string) =>
  api<null>(`/api/auth/tokens/${encodeURIComponent(tokenKey)}/`, { method: 'DELETE' });
export const revokeAllTokens = () => api<null>('/api/auth/tokens/', { method: 'DELETE' });
export const getDepartments = () => api<Department[]>('/api/departments/');
export const getDocumentTypes = () => api<DocumentType[]>('/api/document-types/');
export const search = (query: string, signal?: AbortSignal) => api<SearchResponse>(`/api/search/?${query}`, { signal });
export const getDocument = (id: number | string, signal?: AbortSignal) =>
  api<DocumentDetail>(`/api/documents/${id}/`, { signal });
export const updateDocument = (id: number | string, changes: Record<string, unknown>) =>
  api<DocumentDetail>(`/api/documents/${id}/`, { method: 'PATCH', body: changes });
export interface DocumentSummary {
  id: number;
  title: string;
  status: Status;
  error: string;
  document_type: string | null;
  department: string | null;
  created_on: string | null;
  created_at: string;
  metadata: { document_date?: string | null; amount?: number | null; counterparty?: string | null };
}
export const getRecentDocuments = (signal?: AbortSignal) =>
  api<{ count: number; results: DocumentSummary[] }>('/api/documents/?ordering=-created_at', { signal });
/**
 * The status of some documents without opening them (opening is an audited "view"): the
 * list endpoint, narrowed by `ids` where the server supports it, else the newest page;
 * documents not on it are fetched one by one.
 */
export async function getStatuses(ids: number[]): Promise<Map<number, DocumentSummary>> {
  const found = new Map<number, DocumentSummary>();
  const list = await api<{ results: DocumentSummary[] }>(`/api/documents/?ids=${ids.join(',')}&ordering=-created_at`);
  for (const doc of list.results) if (ids.includes(doc.id)) found.set(doc.id, doc);
  for (const id of ids) if (!found.has(id)) found.set(id, await getDocument(id));
  return found;
}
export const getVersions = (id: number | string) => api<Version[]>(`/api/documents/${id}/versions/`);
export const getHistory = (id: number | string) => api<HistoryEntry[]>(`/api/documents/${id}/history/`);
export const retryDocument = (id: number | string) =>
  api<DocumentDetail>(`/api/documents/${id}/retry/`, { method: 'POST' });
export const downloadUrl = (id: number | string, variant: 'original' | 'archive') =>
  `/api/documents/${id}/download/?variant=${variant}`;

export interface UploadFields {
  title?: string;
  document_type?: string;
  department?: string;
  document_date?: string;
}

export interface UploadHandle {
  promise: Promise<DocumentDetail>;
  abort: () => void;
}

/**
 * How one file is sent: the file itself as the body, with its type and name in headers and
 * the upload options in the query (the server's RawFileParser). The server authorises the
 * department from the query before it reads a byte, and stores the body as it arrives,
 * its length known: faster than a multipart form, and nothing is stored for a refusal.
 */
export function uploadRequest(file: File, fields: UploadFields): { url: string; headers: Record<string, string> } {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value) query.set(name, value);
  const search = query.toString();
  // RFC 5987: percent-encode everything but attr-char (encodeURIComponent leaves ' ( ) * !).
  const encoded = encodeURIComponent(file.name).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return {
    url: `/api/documents/${search ? `?${search}` : ''}`,
    headers: {
      'Content-Type': file.type || 'application/octet-stream',
      'Content-Disposition': `attachment; filename*=UTF-8''${encoded}`,
    },
  };
}

/** POST /api/documents/ with one file; progress is reported from 0 to 1. */
export function uploadDocument(
  file: File,
  fields: UploadFields,
  onProgress: (fraction: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const promise = ensureCsrf().then(
    (token) =>
      new Promise<DocumentDetail>((resolve, reject) => {
        const request = uploadRequest(file, fields);
        xhr.open('POST', request.url);
        xhr.withCredentials = true;
        for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
        xhr.setRequestHeader('X-CSRFToken', token);
        xhr.setRequestHeader('Accept', 'application/json');
        xhr.setRequestHeader('Accept-Language', currentLang);
        xhr.upload.onprogress = (event) => {
          if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
        };
        xhr.onload = () => {
          let data: unknown = null;
          try {
            data = JSON.parse(xhr.responseText);
          } catch {
            data = null;
          }
          if (xhr.status >= 200 && xhr.status < 300) {
            onProgress(1);
            resolve(data as DocumentDetail);
          } else {
            const code = isRecord(data) && typeof data.error === 'string' ? data.error : '';
            reject(new ApiError(xhr.status, data, code));
          }
        };
        xhr.onerror = () => reject(new ApiError(0, null, 'network'));
        xhr.onabort = () => reject(new ApiError(0, null, 'aborted'));
        xhr.send(file);
      }),
  );
  return { promise, abort: () => xhr.abort() };
}

export type { MessageKey };
