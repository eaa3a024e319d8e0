/**
 * Highlight fragments from the search API are HTML that was escaped on the server, with
 * only <mark>…</mark> added. They are never given to innerHTML: the text is split on the
 * two tags, entities are decoded, and React renders each piece as plain text (a <mark>
 * element for the marked pieces). Anything else that looks like a tag stays visible text.
 */
export interface Piece {
  text: string;
  mark: boolean;
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (!Number.isFinite(code) || code < 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return whole;
      return String.fromCodePoint(code);
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

export function splitMarks(fragment: string): Piece[] {
  const pieces: Piece[] = [];
  let marked = false;
  for (const part of fragment.split(/(<\/?mark>)/i)) {
    const tag = part.toLowerCase();
    if (tag === '<mark>') {
      marked = true;
    } else if (tag === '</mark>') {
      marked = false;
    } else if (part) {
      const text = decodeEntities(part);
      const last = pieces[pieces.length - 1];
      if (last && last.mark === marked) last.text += text;
      else pieces.push({ text, mark: marked });
    }
  }
  return pieces;
}

/** The marked words of some fragments (what the server matched), for the document page. */
export function markedTerms(fragments: string[]): string[] {
  const terms: string[] = [];
  for (const fragment of fragments) {
    for (const piece of splitMarks(fragment)) {
      const t = piece.text.trim();
      if (piece.mark && t && !terms.includes(t)) terms.push(t);
    }
  }
  return terms;
}
