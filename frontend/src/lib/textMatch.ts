/**
 * Finding query terms in a PDF page's text items (pdf.js text content): the items are
 * joined, whitespace is ignored (OCR text layers often put spaces between Japanese
 * characters) and both sides are NFKC-normalised and lower-cased, so 全角/半角 and case
 * differences still match. Each match is reported as ranges inside the items, which the
 * viewer wraps in <mark> elements on the text layer.
 */
export interface ItemRange {
  item: number;
  start: number;
  end: number;
}

export interface TextMatch {
  term: string;
  ranges: ItemRange[];
  context: string;
}

interface CharRef {
  item: number;
  offset: number;
}

function normalizeChar(c: string): string {
  return c.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

export function normalizeTerm(term: string): string {
  return term.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

export function findMatches(items: string[], terms: string[]): TextMatch[] {
  let text = '';
  const refs: CharRef[] = [];
  items.forEach((item, index) => {
    let offset = 0;
    for (const ch of item) {
      const n = normalizeChar(ch);
      for (const unit of n) {
        // every normalised character points back to the source character it came from
        for (let k = 0; k < unit.length; k++) refs.push({ item: index, offset });
        text += unit;
      }
      offset += ch.length;
    }
  });
  const needles = [...new Set(terms.map(normalizeTerm).filter(Boolean))].sort((a, b) => b.length - a.length);
  const taken: boolean[] = new Array(text.length).fill(false);
  const found: { start: number; end: number; term: string }[] = [];
  for (const needle of needles) {
    let at = text.indexOf(needle);
    while (at >= 0) {
      const end = at + needle.length;
      let free = true;
      for (let i = at; i < end; i++) if (taken[i]) free = false;
      if (free) {
        for (let i = at; i < end; i++) taken[i] = true;
        found.push({ start: at, end, term: needle });
      }
      at = text.indexOf(needle, end);
    }
  }
  found.sort((a, b) => a.start - b.start);
  return found.map(({ start, end, term }) => {
    const ranges: ItemRange[] = [];
    for (let i = start; i < end; i++) {
      const ref = refs[i];
      const last = ranges[ranges.length - 1];
      const charEnd = ref.offset + (items[ref.item].codePointAt(ref.offset)! > 0xffff ? 2 : 1);
      if (last && last.item === ref.item) {
        last.end = Math.max(last.end, charEnd);
      } else {
        ranges.push({ item: ref.item, start: ref.offset, end: charEnd });
      }
    }
    const context = text.slice(Math.max(0, start - 12), Math.min(text.length, end + 12));
    return { term, ranges, context: (start > 12 ? '…' : '') + context + (end + 12 < text.length ? '…' : '') };
  });
}
