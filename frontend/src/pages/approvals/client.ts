/** The approvals API (/api/approvals/, docs/api-approvals.md): types and calls. */
import { api } from '../../lib/api';

export interface Person {
  id: number;
  username: string;
  display_name: string;
}

export interface MatterType {
  id: number;
  code: string;
  name: string;
  name_en: string;
}

export interface CaseSummary {
  id: number;
  kind: string;
  kind_label: string;
  kind_label_en: string;
  title: string;
  state: string;
  state_label: string;
  state_label_en: string;
  matter_type: MatterType | null;
  amount: string | number | null;
  is_important: boolean;
  is_unusual: boolean;
  is_doubtful: boolean;
  flagged: boolean;
  decision_level_label?: string;
  decision_level_label_en?: string;
  drafter: Person;
  section: { id: number; code: string; name: string; name_en: string } | null;
  revision: number;
  submitted_at: string | null;
  decided_at: string | null;
  updated_at: string;
}

export interface Task {
  id: number;
  assignee: { type: string; id: number; label: string };
  holder: Person | null;
  state: string;
  state_label: string;
  state_label_en: string;
  capacity: string;
  capacity_label: string;
  capacity_label_en: string;
  acted_by: Person | null;
  acted_at: string | null;
  opened_at: string | null;
  comment: string;
  post_review: boolean;
  post_reviewed_at: string | null;
}

export interface Step {
  id: number;
  position: number;
  kind: string;
  kind_label: string;
  kind_label_en: string;
  state: string;
  state_label: string;
  state_label_en: string;
  added_by_drafter: boolean;
  opened_at: string | null;
  completed_at: string | null;
  tasks: Task[];
}

export interface Comment {
  id: number;
  author: Person;
  step: number | null;
  body: string;
  created_at: string;
}

export interface CaseEvent {
  id: number;
  action: string;
  action_label: string;
  action_label_en: string;
  actor: Person | null;
  capacity: string;
  capacity_label?: string;
  capacity_label_en?: string;
  step: number | null;
  comment: string;
  created_at: string;
  signature_state: string;
}

export interface CaseNote {
  id: number;
  text: string;
  line: number;
  author: Person;
  created_at: string;
  signature_state: string;
}

export interface CaseDetail extends CaseSummary {
  body: { id: number; title: string; status: string; frozen: boolean } | null;
  cites: number | null;
  steps: Step[];
  attachments: { document: number; title: string; status: string; frozen: boolean; added_at: string }[];
  comments: Comment[];
  events: CaseEvent[];
  notes: CaseNote[];
  allowed_actions: string[];
  allowed: {
    actions: string[];
    can_edit: boolean;
    can_edit_route: boolean;
    can_attach: boolean;
    can_comment: boolean;
    can_note: boolean;
    return_targets: number[];
  };
}

export interface InboxTab {
  key: string;
  label: string;
  label_en: string;
  count: number;
}

export interface Inbox {
  counts: Record<string, number>;
  tabs: InboxTab[];
  tab: string | null;
  count: number;
  next: string | null;
  results: { case: CaseSummary; task: { id: number; step: number; step_kind: string; state_label: string; state_label_en: string } | null }[];
}

export interface Notifications {
  counts: Record<string, number>;
  actionable: number;
}

export interface ProposalAssignee {
  type: string;
  id: number;
  label: string;
  holder: Person | null;
}

export interface RouteProposal {
  decision_level: string;
  decision_level_label: string;
  decision_level_label_en: string;
  template: { id: number; code: string; name: string };
  steps: { position: number; kind: string; kind_label: string; kind_label_en: string; assignees: ProposalAssignee[] }[];
}

export interface Page<T> {
  count: number;
  next: string | null;
  results: T[];
}

export interface Absence {
  id: number;
  user: string;
  starts_at: string;
  ends_at: string;
  reason: string;
}

export interface Deputy {
  id: number;
  post: string;
  order: number;
  user: string | null;
  deputy_post: string | null;
  label: string;
}

/** Per signature, as helper "sign"'s verification endpoint reports it. */
export interface SignatureReport {
  signer?: string;
  signer_name?: string;
  capacity?: string;
  capacity_label?: string;
  capacity_label_en?: string;
  signed_at?: string | null;
  timestamp_at?: string | null;
  timestamp_authority?: string | null;
  intact?: boolean;
  valid?: boolean;
  whole_file?: boolean;
  [key: string]: unknown;
}

export interface Verification {
  signatures: SignatureReport[];
  pending?: unknown[];
  all_valid?: boolean;
  [key: string]: unknown;
}

const BASE = '/api/approvals';

/** A fresh key per click (the API replays a retried write instead of doing it twice). */
export function idempotencyKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export const getInbox = (tab: string | null, page = 1) =>
  api<Inbox>(`${BASE}/inbox/?${new URLSearchParams(tab ? { tab, page: String(page) } : {}).toString()}`);
export const getNotifications = () => api<Notifications>(`${BASE}/notifications/`);
export const getCase = (id: number | string) => api<CaseDetail>(`${BASE}/cases/${id}/`);
export const createCase = (body: Record<string, unknown>) => api<CaseDetail>(`${BASE}/cases/`, { method: 'POST', body });
export const updateCase = (id: number, body: Record<string, unknown>) =>
  api<CaseDetail>(`${BASE}/cases/${id}/`, { method: 'PATCH', body });
export const addStep = (id: number, body: Record<string, unknown>) =>
  api<CaseDetail>(`${BASE}/cases/${id}/steps/`, { method: 'POST', body });
export const removeStep = (id: number, position: number) =>
  api<CaseDetail>(`${BASE}/cases/${id}/steps/${position}/`, { method: 'DELETE' });
export const markPostReview = (id: number, position: number, on: boolean) =>
  api<CaseDetail>(`${BASE}/cases/${id}/steps/${position}/post-review/`, { method: 'POST', body: { on } });
export const addAttachment = (id: number, document: number) =>
  api<CaseDetail>(`${BASE}/cases/${id}/attachments/`, { method: 'POST', body: { document } });
export const addComment = (id: number, body: string) =>
  api<Comment>(`${BASE}/cases/${id}/comments/`, { method: 'POST', body: { body } });
export const addNote = (id: number, text: string, key: string) =>
  api<CaseDetail>(`${BASE}/cases/${id}/notes/`, { method: 'POST', body: { text }, headers: { 'Idempotency-Key': key } });
export const getMatterTypes = () => api<MatterType[]>(`${BASE}/matter-types/`);
export const getRouteProposal = (params: Record<string, string>) =>
  api<RouteProposal>(`${BASE}/route-proposal/?${new URLSearchParams(params).toString()}`);
export const getPeople = (q: string) => api<Page<Person>>(`${BASE}/people/?${new URLSearchParams({ q }).toString()}`);
export const getVerification = (id: number) => api<Verification>(`${BASE}/cases/${id}/verification/`);
export const getDashboard = () => api<Record<string, unknown>>(`${BASE}/dashboard/`);
export const getAbsences = () => api<Absence[] | Page<Absence>>(`${BASE}/absences/`);
export const createAbsence = (body: Record<string, unknown>) => api<Absence>(`${BASE}/absences/`, { method: 'POST', body });
export const deleteAbsence = (id: number) => api<null>(`${BASE}/absences/${id}/`, { method: 'DELETE' });
export const getDeputies = () => api<Deputy[] | Page<Deputy>>(`${BASE}/deputies/`);
export const createDeputy = (body: Record<string, unknown>) => api<Deputy>(`${BASE}/deputies/`, { method: 'POST', body });
export interface StampPreference {
  date_style: 'era_letter' | 'era_year' | 'western_dotted';
  personal_seal: boolean;
}
/** One's own stamp (日付印 or 認印, date style); the signing app answers 404 when it is not installed. */
export const getStampPreference = () => api<StampPreference>(`${BASE}/stamp-preference/`);
export const putStampPreference = (body: Partial<StampPreference>) =>
  api<StampPreference>(`${BASE}/stamp-preference/`, { method: 'PUT', body: body as Record<string, unknown> });
export const deleteDeputy = (id: number) => api<null>(`${BASE}/deputies/${id}/`, { method: 'DELETE' });
export const getRules = () => api<unknown>(`${BASE}/rules/`);
export const importRules = (body: unknown) => api<Record<string, number>>(`${BASE}/rules/`, { method: 'POST', body });
export const decisionPdfUrl = (id: number) => `${BASE}/cases/${id}/decision-pdf/`;
export const stampPreviewUrl = (id: number, action: string) =>
  `${BASE}/cases/${id}/stamp-preview/?${new URLSearchParams({ action }).toString()}`;

/** Lists come paginated or plain; the pages only need the rows. */
export function rows<T>(data: T[] | Page<T>): T[] {
  return Array.isArray(data) ? data : data.results;
}

/** An action on a case, with its idempotency key (the same key on a retry). */
export const act = (id: number, action: string, key: string, body: { comment?: string; to_position?: number } = {}) =>
  api<{ action: string; replayed: boolean; case: CaseDetail }>(`${BASE}/cases/${id}/actions/${action}/`, {
    method: 'POST',
    body,
    headers: { 'Idempotency-Key': key },
  });
