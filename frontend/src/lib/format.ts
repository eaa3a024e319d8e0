/** Dates in 和暦 with the ISO date beside, amounts in yen, sizes — pure functions. */
import type { Lang } from './i18n';

interface Era {
  ja: string;
  en: string;
  start: string; // first day, ISO
}

// Boundaries are the first day of each era (Gregorian).
export const ERAS: readonly Era[] = [
  { ja: '令和', en: 'Reiwa', start: '2019-05-01' },
  { ja: '平成', en: 'Heisei', start: '1989-01-08' },
  { ja: '昭和', en: 'Showa', start: '1926-12-25' },
  { ja: '大正', en: 'Taisho', start: '1912-07-30' },
  { ja: '明治', en: 'Meiji', start: '1868-10-23' },
];

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

export interface Wareki {
  era: string;
  eraEn: string;
  year: number; // 1 = 元年
  month: number;
  day: number;
}

export function toWareki(iso: string): Wareki | null {
  const m = ISO_DATE.exec(iso);
  if (!m) return null;
  const day = iso.slice(0, 10);
  const era = ERAS.find((e) => day >= e.start);
  if (!era) return null;
  return {
    era: era.ja,
    eraEn: era.en,
    year: Number(m[1]) - Number(era.start.slice(0, 4)) + 1,
    month: Number(m[2]),
    day: Number(m[3]),
  };
}

/** 令和6年4月1日 (2024-04-01); English: 1 Apr Reiwa 6 (2024-04-01). */
export function formatDate(iso: string | null | undefined, lang: Lang = 'ja'): string {
  if (!iso) return '';
  const day = iso.slice(0, 10);
  const w = toWareki(day);
  if (!w) return day;
  if (lang === 'en') {
    const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
      w.month - 1
    ];
    return `${w.day} ${month} ${w.eraEn} ${w.year} (${day})`;
  }
  const year = w.year === 1 ? '元' : String(w.year);
  return `${w.era}${year}年${w.month}月${w.day}日 (${day})`;
}

/** A timestamp from the API shown in the browser's local time: date as above plus HH:MM. */
export function formatDateTime(timestamp: string | null | undefined, lang: Lang = 'ja'): string {
  if (!timestamp) return '';
  const t = new Date(timestamp);
  if (Number.isNaN(t.getTime())) return timestamp;
  const pad = (n: number) => String(n).padStart(2, '0');
  const iso = `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`;
  return `${formatDate(iso, lang)} ${pad(t.getHours())}:${pad(t.getMinutes())}`;
}

/** 会計年度 (April–March): 令和6年度 (2024). */
export function formatFiscalYear(year: number | null | undefined, lang: Lang = 'ja'): string {
  if (year == null) return '';
  const w = toWareki(`${year}-04-01`);
  if (!w) return String(year);
  if (lang === 'en') return `FY${year} (${w.eraEn} ${w.year})`;
  return `${w.era}${w.year === 1 ? '元' : w.year}年度 (${year})`;
}

/** ¥1,234,000 — grouping done by hand so it never depends on the browser's locale data. */
export function formatYen(amount: number | string | null | undefined): string {
  if (amount === null || amount === undefined || amount === '') return '';
  const n = typeof amount === 'number' ? amount : Number(amount);
  if (!Number.isFinite(n)) return '';
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.trunc(Math.abs(n)));
  return `${sign}¥${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}

/** Full-width digits and separators typed with a Japanese IME → plain ASCII digits. */
export function toHalfWidthDigits(value: string): string {
  return value.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/** "¥1,234,000" or "１２３４" → "1234000" / "1234" (only digits survive; empty if none). */
export function parseAmount(value: string): string {
  return toHalfWidthDigits(value).replace(/[^0-9]/g, '');
}

export function formatBytes(size: number, lang: Lang = 'ja'): string {
  const units = lang === 'ja' ? ['バイト', 'KB', 'MB', 'GB'] : ['bytes', 'KB', 'MB', 'GB'];
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 ? String(value) : value.toFixed(value < 10 ? 1 : 0);
  return `${shown} ${units[unit]}`;
}
