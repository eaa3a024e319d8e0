/** Pure helpers of the approvals pages (tested in test/approvals.test.ts). */
import type { Lang } from '../../lib/i18n';
import type { CaseDetail, Step, Task } from './client';

export const TABS = ['approval', 'consultation', 'post_review', 'circulation', 'drafting', 'returned'] as const;
export type TabKey = (typeof TABS)[number];

// The API's action names with their wording (approvals/labels.py, for buttons before a case loads).
export const ACTION_LABELS: Record<string, [string, string]> = {
  submit: ['起案', 'Submit'],
  approve: ['承認', 'Approve'],
  agree: ['合議(同意)', 'Agree'],
  disagree: ['合議(不同意)', 'Disagree'],
  decide: ['決裁', 'Decide'],
  reject: ['却下', 'Reject'],
  'proxy-decide': ['代決', 'Decide as proxy'],
  'post-review': ['後閲', 'Post-review'],
  'pull-up': ['引上げ', 'Pull up'],
  return: ['差戻し', 'Return'],
  recall: ['引戻し', 'Recall'],
  withdraw: ['取下げ', 'Withdraw'],
  acknowledge: ['供覧', 'Acknowledge'],
};

/** The actions that the API refuses without a comment. */
export const NEEDS_COMMENT = new Set(['disagree', 'reject', 'return']);
/** The actions that place a stamp on the decision PDF (the others only move the case). */
export const STAMPING = new Set(['approve', 'agree', 'disagree', 'decide', 'proxy-decide', 'post-review', 'acknowledge']);

export function actionLabel(action: string, lang: Lang): string {
  const pair = ACTION_LABELS[action];
  return pair ? pair[lang === 'en' ? 1 : 0] : action;
}

/** The task of the current step that a person acts on (for the stamp description). */
export function myTask(detail: CaseDetail, userId: number): { step: Step; task: Task } | null {
  for (const step of detail.steps) {
    if (step.state !== 'open' && !step.tasks.some((t) => t.post_review && !t.post_reviewed_at)) continue;
    for (const task of step.tasks) {
      if (task.holder?.id === userId && task.state !== 'done') return { step, task };
    }
  }
  const open = detail.steps.find((s) => s.state === 'open');
  return open && open.tasks[0] ? { step: open, task: open.tasks[0] } : null;
}

/** The capacity an action is taken in: 代決 for proxy-decide, 後閲 for post-review, else 本人. */
export function capacityOf(action: string, lang: Lang): string {
  if (action === 'proxy-decide') return lang === 'en' ? 'proxy' : '代決';
  if (action === 'post-review') return lang === 'en' ? 'post-review' : '後閲';
  return lang === 'en' ? 'in person' : '本人';
}

/** A step's line on the timeline: who, in what capacity, when. */
export function taskSummary(task: Task, lang: Lang): string {
  const who = task.acted_by?.display_name || task.holder?.display_name || task.assignee.label;
  const capacity = lang === 'en' ? task.capacity_label_en || task.capacity_label : task.capacity_label;
  return capacity ? `${who}（${capacity}）` : who;
}

/** Bar chart geometry: each value's bar length in a box `width` wide (0 for missing). */
export function barLengths(values: (number | null | undefined)[], width: number): number[] {
  const finite = values.map((v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0));
  const max = Math.max(0, ...finite);
  return finite.map((v) => (max === 0 ? 0 : Math.round((v / max) * width * 10) / 10));
}

/** Seconds (as the dashboard reports durations) to hours with one decimal. */
export function hours(seconds: number | null | undefined): number | null {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? Math.round(seconds / 360) / 10 : null;
}

/** The verification panel's verdict: all intact and no pending signature. */
export function allGreen(signatures: { intact?: boolean; valid?: boolean }[], pending: unknown[] = []): boolean {
  return signatures.length > 0 && pending.length === 0 && signatures.every((s) => s.intact !== false && s.valid !== false);
}

/** The rules file (approvals/rules_file.py) read out for people: bands and routes, or null. */
export interface RulesSummary {
  bands: { matterType: string; from: number | null; below: number | null; level: string }[];
  routes: { code: string; name: string; level: string; section: string | null; steps: string[] }[];
}

export function summarizeRules(text: string): RulesSummary | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!data || typeof data !== 'object') return null;
  const d = data as { delegation?: Record<string, unknown>[]; templates?: Record<string, unknown>[] };
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const bands = (d.delegation ?? []).map((b) => ({
    matterType: String(b.matter_type ?? ''),
    from: num(b.amount_from),
    below: num(b.amount_below),
    level: String(b.level ?? b.decision_level ?? ''),
  }));
  const routes = (d.templates ?? []).map((t) => ({
    code: String(t.code ?? ''),
    name: String(t.name ?? ''),
    level: String(t.level ?? t.decision_level ?? ''),
    section: typeof t.section === 'string' ? t.section : null,
    steps: ((t.steps as Record<string, unknown>[] | undefined) ?? []).map((s) => {
      const who = s.relative_level ?? s.post ?? s.user ?? s.section ?? '';
      return `${String(s.kind ?? '')}:${String(who)}${s.optional ? '?' : ''}`;
    }),
  }));
  return { bands, routes };
}
