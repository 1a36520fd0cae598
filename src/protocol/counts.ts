/**
 * Numbers as the CLI, the preview and the web UI write them in text: digits
 * grouped by thousands, the word after a count in the singular for one.
 * Plain string work (no locale), so the same everywhere.
 */

/** 26000 → "26,000"; fractions are kept as they are. */
export function formatNumber(n: number): string {
  const [whole = "", fraction] = Math.abs(n).toString().split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${n < 0 ? "-" : ""}${grouped}${fraction === undefined ? "" : `.${fraction}`}`;
}

/** `n` and the word for it: "1 trial", "2,000 trials". */
export function plural(n: number, one: string, many: string): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}
