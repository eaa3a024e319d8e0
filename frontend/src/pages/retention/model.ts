/** Pure helpers of the retention pages (tested in test/retention.test.tsx). */
import type { Me } from '../../lib/api';

/** Records officers and administrators change retention; everyone else reads. */
export function isRecordsOfficer(me: Pick<Me, 'role'> | null | undefined): boolean {
  return me?.role === 'records_officer' || me?.role === 'administrator';
}

/** The Japanese fiscal year (April to March) a day falls in. */
export function fiscalYearOf(day: Date): number {
  return day.getMonth() >= 3 ? day.getFullYear() : day.getFullYear() - 1;
}

/** The last day (March 31) of the fiscal year of `day`, as ISO. */
export function fiscalYearEnd(day: Date): string {
  return `${fiscalYearOf(day) + 1}-03-31`;
}

/** The first day (April 1) of the fiscal year of `day`, as ISO. */
export function fiscalYearStart(day: Date): string {
  return `${fiscalYearOf(day)}-04-01`;
}

/** An ISO date of the local calendar (not UTC: 00:30 in Tokyo is still today). */
export function isoDay(day: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

/** The register list's query string from the filter form, dropping empty fields. */
export function filesQuery(filters: Record<string, string>, page = 1): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value.trim()) query.set(key, value.trim());
  if (page > 1) query.set('page', String(page));
  return query.toString();
}

/** One line of a file's history, oldest first, from its holds, extensions, corrections and moves. */
export interface HistoryLine {
  at: string;
  kind: 'hold' | 'extension' | 'correction' | 'custody';
  params: Record<string, string | number>;
}

export function fileHistory(file: {
  holds: { hold_type_display: string; reference: string; started_on: string; created_at: string }[];
  extensions: { years: number; reason: string; created_at: string }[];
  corrections: { before: string | null; after: string; reason: string; at: string }[];
  custody_transfers: { from: string; to: string; effective_on: string }[];
}): HistoryLine[] {
  const lines: HistoryLine[] = [
    ...file.holds.map((h) => ({ at: h.created_at, kind: 'hold' as const, params: { type: h.hold_type_display, ref: h.reference, on: h.started_on } })),
    ...file.extensions.map((e) => ({ at: e.created_at, kind: 'extension' as const, params: { years: e.years, reason: e.reason } })),
    ...file.corrections.map((c) => ({ at: c.at, kind: 'correction' as const, params: { before: c.before ?? '—', after: c.after, reason: c.reason } })),
    ...file.custody_transfers.map((m) => ({ at: m.effective_on, kind: 'custody' as const, params: { from: m.from, to: m.to, on: m.effective_on } })),
  ];
  return lines.sort((a, b) => a.at.localeCompare(b.at));
}

/** How far a proposal has got: items done out of all. */
export function progress(items: { state: string }[]): { done: number; all: number } {
  return { done: items.filter((i) => i.state === 'done').length, all: items.length };
}

/** Which actions a proposal offers next (the server refuses anything else anyway). */
export function nextActions(proposal: { state: string; method: string; case: number | null }): ('approve' | 'execute' | 'receipt')[] {
  if (proposal.state === 'proposed') return proposal.case === null ? ['approve'] : [];
  if (proposal.state === 'approved') return ['execute'];
  if (proposal.state === 'awaiting_receipt') return ['receipt'];
  return [];
}

/** A retention class's name from its code (the API gives codes), in the current language. */
export function classLabel(code: string | null, classes: { code: string; name: string; name_en: string }[], lang: 'ja' | 'en'): string {
  const found = classes.find((c) => c.code === code);
  if (!found) return code ?? '—';
  return lang === 'en' && found.name_en ? found.name_en : found.name;
}

/** A section's name from its code, in the current language (the code when not loaded). */
export function sectionLabel(code: string | null, departments: { code: string; name: string; name_en?: string }[], lang: 'ja' | 'en'): string {
  const found = departments.find((d) => d.code === code);
  if (!found) return code ?? '—';
  return lang === 'en' && found.name_en ? found.name_en : found.name;
}
