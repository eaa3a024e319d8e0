import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { decodeEntities, markedTerms, splitMarks } from '../src/lib/highlight';
import { Fragment } from '../src/components/ui';
import { findMatches } from '../src/lib/textMatch';

// ui.tsx uses the language context only in other components; Fragment is context-free.
const render = (html: string) => renderToStaticMarkup(createElement(Fragment, { html }));

describe('highlight fragments from the server', () => {
  it('splits on <mark> and decodes the escaped text', () => {
    expect(splitMarks('令和6年度 <mark>補助金</mark> &amp; 交付')).toEqual([
      { text: '令和6年度 ', mark: false },
      { text: '補助金', mark: true },
      { text: ' & 交付', mark: false },
    ]);
  });
  it('renders only <mark> as markup; anything else stays text', () => {
    const html = render('a &lt;script&gt;alert(1)&lt;/script&gt; <mark>b</mark> <img src=x onerror=alert(1)>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<mark>b</mark>');
  });
  it('never turns decoded entities into tags', () => {
    const html = render('&lt;mark&gt;x&lt;/mark&gt; <mark>y</mark>');
    expect(html).toBe('<span>&lt;mark&gt;x&lt;/mark&gt; </span><mark>y</mark>');
  });
  it('handles numeric entities and leaves unknown ones', () => {
    expect(decodeEntities('&#39;&#x27;&quot;&unknown;&#xD800;')).toBe(`''"&unknown;&#xD800;`);
  });
  it('handles an unclosed mark and upper case tags', () => {
    expect(splitMarks('<MARK>a</MARK>b<mark>c')).toEqual([
      { text: 'a', mark: true },
      { text: 'b', mark: false },
      { text: 'c', mark: true },
    ]);
  });
  it('collects the marked words', () => {
    expect(markedTerms(['<mark>保険</mark>料 と <mark>保険</mark>', '<mark>給付</mark>'])).toEqual(['保険', '給付']);
  });
});

describe('finding terms in a PDF text layer', () => {
  it('finds a term split over items and spaced out by OCR', () => {
    const items = ['令和6年度 特', '別 定 額', '給付金の申請'];
    const [match] = findMatches(items, ['特別定額給付金']);
    expect(match.ranges).toEqual([
      { item: 0, start: 6, end: 7 },
      { item: 1, start: 0, end: 5 },
      { item: 2, start: 0, end: 3 },
    ]);
  });
  it('matches full-width and half-width forms and ignores case', () => {
    expect(findMatches(['ＡＢＣ株式会社'], ['abc'])).toHaveLength(1);
    expect(findMatches(['abc株式会社'], ['ＡＢＣ'])).toHaveLength(1);
  });
  it('counts every occurrence, longest terms first without overlaps', () => {
    const matches = findMatches(['保険料と保険と保険料'], ['保険', '保険料']);
    expect(matches.map((m) => m.term)).toEqual(['保険料', '保険', '保険料']);
  });
  it('returns nothing for no terms', () => {
    expect(findMatches(['abc'], [])).toEqual([]);
  });
});
