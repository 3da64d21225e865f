// Words wider than the room they get (mount option strings, device paths, long ids) cut into pieces that fit (pure).

/** Ends a piece cut inside a word where no punctuation offered a break: the word goes on on the next line. */
export const CONTINUES = '\\';

/** Characters after which a long word breaks without a marker (option lists, paths, key=value). */
const SOFT_BREAK = /[,;/:=&|_-]/;

/**
 * Cuts one word into pieces of at most `width` characters: after the last punctuation that fits (the piece keeps
 * it), else hard, the piece ending in {@link CONTINUES}. A word that fits comes back whole.
 */
export function breakWord(word: string, width: number): string[] {
  const w = Math.max(2, Math.floor(width));
  if (word.length <= w) return [word];
  const pieces: string[] = [];
  let at = 0;
  while (word.length - at > w) {
    let cut = -1;
    // Soft break: the last punctuation within the width, but not so early that the piece is mostly empty.
    for (let i = at + w - 1; i >= at + Math.floor(w / 2); i--) {
      if (SOFT_BREAK.test(word[i] as string)) {
        cut = i + 1;
        break;
      }
    }
    if (cut > 0) {
      pieces.push(word.slice(at, cut));
      at = cut;
    } else {
      pieces.push(`${word.slice(at, at + w - 1)}${CONTINUES}`);
      at += w - 1;
    }
  }
  pieces.push(word.slice(at));
  return pieces;
}

/** Every word of `text` wider than `width` cut by {@link breakWord}, its pieces on lines of their own. */
export function breakLongWords(text: string, width: number): string {
  return text.replace(/[^\s]+/g, (word) => (word.length > width ? breakWord(word, width).join('\n') : word));
}

/** Longest text a table cell shows (cli-table3 draws a cell in time cubic in its length); the rest is left out, saying how much. */
export const CELL_MAX = 600;

/** `text` cut to {@link CELL_MAX} characters, saying how many were left out. */
export function capCell(text: string): string {
  return text.length <= CELL_MAX
    ? text
    : `${text.slice(0, CELL_MAX)} ... (${text.length - CELL_MAX} characters left out)`;
}

/**
 * Lines of at most `width` characters: each line of `text` wrapped at spaces, a word wider than that cut
 * ({@link breakWord}). Linear in the length of the text.
 */
export function wrapLines(text: string, width: number): string[] {
  const w = Math.max(2, Math.floor(width));
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).flatMap((x) => (x ? breakWord(x, w) : []))) {
      if (line && line.length + 1 + word.length > w) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  return lines;
}
