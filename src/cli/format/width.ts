/**
 * How many columns of a terminal text takes, the one measure of the CLI's
 * tables, cut cells and redrawn live regions.
 *
 * Text is measured by grapheme clusters (what a person sees as one
 * character, `Intl.Segmenter`): an emoji — one shown as an emoji
 * (Emoji_Presentation, or a pictograph followed by U+FE0F), a flag of two
 * regional indicators, with any skin tone or zero-width-joined parts — takes
 * 2 columns. Any other cluster is the sum of its code points: 2 for East Asian
 * Wide and Fullwidth ones (CJK, Hangul syllables, kana, fullwidth forms; the
 * W and F ranges of Unicode's EastAsianWidth.txt below), 0 for combining
 * marks (Mn, Me), default-ignorable ones (zero-width joiner and space,
 * variation selectors), Hangul vowel and final jamo and control characters,
 * and 1 for the rest. East Asian Ambiguous characters count 1, as on most
 * terminals outside CJK locales.
 *
 * No npm package in the tree does this: string-width 4 (there through
 * cli-progress) counts Thai vowel signs, zero-width spaces and newer emoji
 * wrongly. Escape codes are not recognised here: strip them first.
 */

/** East Asian Wide (W) and Fullwidth (F) code points, other than emoji, as [first, last]. */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], // Hangul Jamo initial consonants
  [0x2329, 0x232a], // angle brackets
  [0x2e80, 0x303e], // CJK radicals, Kangxi radicals, ideographic description, CJK symbols and punctuation
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compatibility jamo, Kanbun, CJK strokes, enclosed CJK, CJK compatibility
  [0x3400, 0x4dbf], // CJK unified ideographs extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xa960, 0xa97f], // Hangul Jamo extended A
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small form variants
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6], // fullwidth signs
  [0x16fe0, 0x16fe4], // ideographic symbols
  [0x16ff0, 0x16ff1],
  [0x17000, 0x18cff], // Tangut, Khitan
  [0x18d00, 0x18d08],
  [0x1aff0, 0x1b2ff], // kana supplement and extensions, Nushu
  [0x1f200, 0x1f2ff], // enclosed ideographic supplement
  [0x20000, 0x2fffd], // CJK extensions B to F, compatibility supplement
  [0x30000, 0x3fffd], // CJK extensions G and H
];

const ZERO_WIDTH =
  /[\p{Mn}\p{Me}\p{Cc}\p{Default_Ignorable_Code_Point}\u1160-\u11ff\ud7b0-\ud7ff]/u;
const EMOJI =
  /^(?:\p{Emoji_Presentation}|\p{Regional_Indicator}|\p{Extended_Pictographic}.*\uFE0F)/su;
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

/** Made at the first text that is not plain ASCII: making one loads ICU's break rules, some 10 ms. */
let segmenter: Intl.Segmenter | undefined;

function isWide(cp: number): boolean {
  let lo = 0;
  let hi = WIDE.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [first, last] = WIDE[mid]!;
    if (cp < first) hi = mid - 1;
    else if (cp > last) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Columns one code point takes outside an emoji. */
function codePointWidth(ch: string): number {
  if (ZERO_WIDTH.test(ch)) return 0;
  return isWide(ch.codePointAt(0)!) ? 2 : 1;
}

/** Columns one grapheme cluster takes. */
function clusterWidth(cluster: string): number {
  if (PLAIN_ASCII.test(cluster)) return cluster.length;
  if (EMOJI.test(cluster)) return 2;
  let n = 0;
  for (const ch of cluster) n += codePointWidth(ch);
  return n;
}

/** The grapheme clusters of `text` with the columns each takes. */
export function* clusters(text: string): Generator<{ text: string; width: number }> {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  for (const { segment } of segmenter.segment(text))
    yield { text: segment, width: clusterWidth(segment) };
}

/** Columns `text` takes on a terminal. */
export function displayWidth(text: string): number {
  if (PLAIN_ASCII.test(text)) return text.length;
  let n = 0;
  for (const c of clusters(text)) n += c.width;
  return n;
}

/** The longest start of `text` that fits in `width` columns, never splitting a character. */
export function sliceToWidth(text: string, width: number): string {
  if (PLAIN_ASCII.test(text)) return text.slice(0, Math.max(width, 0));
  let out = "";
  let used = 0;
  for (const c of clusters(text)) {
    if (used + c.width > width) break;
    out += c.text;
    used += c.width;
  }
  return out;
}

/** `text` followed by blanks up to `width` columns. */
export function padEndToWidth(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - displayWidth(text)));
}

/** Blanks up to `width` columns, then `text`. */
export function padStartToWidth(text: string, width: number): string {
  return " ".repeat(Math.max(0, width - displayWidth(text))) + text;
}

/**
 * Rows a line takes on a terminal `columns` wide once it wraps: a wide
 * character that does not fit at the end of a row starts the next one.
 */
export function terminalRows(line: string, columns: number): number {
  if (PLAIN_ASCII.test(line)) return Math.max(1, Math.ceil(line.length / columns));
  let rows = 1;
  let column = 0;
  for (const c of clusters(line)) {
    if (c.width === 0) continue;
    if (column + c.width > columns) {
      rows++;
      column = 0;
    }
    column += c.width;
  }
  return rows;
}
