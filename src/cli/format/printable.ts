/**
 * Text from users — experiment names and descriptions, hyperparameter
 * values, metric names, file names — made safe to show on someone's
 * terminal. A control character (C0, DEL, C1), a line or paragraph separator
 * or a bidirectional override could recolour, clear or reorder what another
 * user sees; each is shown as a visible escape instead: ESC as `\x1b`, tab as
 * `\t`, CR as `\r`, U+202E as `\u202e`. Backslashes are left alone, so the
 * escaping is done once and showing shown text changes nothing.
 *
 * Tables and described fields pass every cell and value through this (a
 * described field shows a tab as spaces, `renderFields`); a trial's own log
 * output is not shown through it.
 */

const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_BUT_NEWLINE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

function escaped(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `text` for one line of a terminal: every control character escaped, newlines too. */
export function printable(text: string): string {
  return text.replace(UNSAFE, escaped);
}

/** `text` for a terminal, keeping its line breaks: a message of several lines. */
export function printableLines(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, escaped);
}
