import { describe, expect, it } from 'vitest';
import { formatBytes, formatDate, formatFiscalYear, formatYen, parseAmount, toWareki } from '../src/lib/format';

describe('和暦', () => {
  it('formats a Reiwa date with the ISO date beside it', () => {
    expect(formatDate('2024-04-01')).toBe('令和6年4月1日 (2024-04-01)');
  });
  it('uses 元年 for the first year of an era', () => {
    expect(formatDate('2019-05-01')).toBe('令和元年5月1日 (2019-05-01)');
    expect(formatDate('1989-01-08')).toBe('平成元年1月8日 (1989-01-08)');
    expect(formatDate('1926-12-25')).toBe('昭和元年12月25日 (1926-12-25)');
    expect(formatDate('1912-07-30')).toBe('大正元年7月30日 (1912-07-30)');
  });
  it('switches era exactly at each boundary', () => {
    expect(formatDate('2019-04-30')).toBe('平成31年4月30日 (2019-04-30)');
    expect(formatDate('1989-01-07')).toBe('昭和64年1月7日 (1989-01-07)');
    expect(formatDate('1926-12-24')).toBe('大正15年12月24日 (1926-12-24)');
    expect(formatDate('1912-07-29')).toBe('明治45年7月29日 (1912-07-29)');
    expect(toWareki('1868-10-23')).toMatchObject({ era: '明治', year: 1 });
  });
  it('keeps dates before Meiji and invalid input as they are', () => {
    expect(formatDate('1800-01-01')).toBe('1800-01-01');
    expect(formatDate('')).toBe('');
    expect(formatDate(null)).toBe('');
    expect(formatDate('not a date')).toBe('not a date');
  });
  it('accepts a timestamp and uses its date part', () => {
    expect(formatDate('2024-04-01T09:00:00+09:00')).toBe('令和6年4月1日 (2024-04-01)');
  });
  it('has an English form', () => {
    expect(formatDate('2024-04-01', 'en')).toBe('1 Apr Reiwa 6 (2024-04-01)');
  });
  it('formats fiscal years', () => {
    expect(formatFiscalYear(2024)).toBe('令和6年度 (2024)');
    expect(formatFiscalYear(2019)).toBe('平成31年度 (2019)');
    expect(formatFiscalYear(2020)).toBe('令和2年度 (2020)');
    expect(formatFiscalYear(2024, 'en')).toBe('FY2024 (Reiwa 6)');
  });
});

describe('amounts', () => {
  it('formats yen with grouping', () => {
    expect(formatYen(1234000)).toBe('¥1,234,000');
    expect(formatYen(0)).toBe('¥0');
    expect(formatYen(999)).toBe('¥999');
    expect(formatYen(1000)).toBe('¥1,000');
    expect(formatYen('12345678901')).toBe('¥12,345,678,901');
    expect(formatYen(null)).toBe('');
    expect(formatYen('')).toBe('');
  });
  it('parses what people type, including full-width digits', () => {
    expect(parseAmount('¥1,234,000')).toBe('1234000');
    expect(parseAmount('１２３４')).toBe('1234');
    expect(parseAmount('1,000円')).toBe('1000');
    expect(parseAmount('abc')).toBe('');
  });
  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 バイト');
    expect(formatBytes(2048, 'en')).toBe('2.0 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
  });
});
