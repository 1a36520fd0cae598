/**
 * Plain-text tables that fit a width. Columns keep their natural width when
 * they can; otherwise, in order: flexible columns (hyperparameters, names)
 * shrink to their `min`, optional columns are left out, flexible columns
 * shrink further (to 8), and last the widest fixed columns shrink. Cut cells
 * end in "…". Widths are terminal columns (`displayWidth`): a CJK character
 * or an emoji takes two. Control characters in cells show as escapes
 * (`printable`): a name cannot recolour or clear the terminal.
 */
import { printable } from "./printable.js";
import { NO_STYLE, type Style } from "./style.js";
import { displayWidth, padEndToWidth, padStartToWidth, sliceToWidth } from "./width.js";

export interface Column<R> {
  header: string;
  value(row: R): string;
  align?: "left" | "right";
  /** Shrinks before the other columns when the table is too wide. */
  flex?: boolean;
  /**
   * A flexible column: the width it keeps before optional columns are left
   * out (default 8). A fixed column: the narrowest it may get (default 3).
   */
  min?: number;
  /** Left out when the table does not fit; lower numbers go first. */
  optional?: number;
  /** Colours a cell; gets the padded text, so widths stay right. */
  color?(padded: string, row: R, style: Style): string;
}

export interface TableOptions {
  /** Total width to fit, or null for no limit. */
  width: number | null;
  style?: Style;
}

const GAP = 2;

/** `text` cut to at most `width` columns, ending in "…" when cut; a character is never split. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 1) return sliceToWidth(text, width);
  return `${sliceToWidth(text, width - 1)}…`;
}

/** Flexible columns never get narrower than this, unless their content is. */
const FLEX_FLOOR = 8;

export interface WidthLimits {
  natural: number[];
  /** Flexible columns: the width kept while other ways to fit remain. */
  soft: number[];
  /** The narrowest each column may get. */
  hard: number[];
  flex: boolean[];
}

/** Column widths: natural, then shrunk one character at a time, widest first, until the table fits. */
export function fitWidths(limits: WidthLimits, width: number | null): number[] {
  const widths = [...limits.natural];
  if (width === null) return widths;
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP * Math.max(widths.length - 1, 0);
  const passes: { flex: boolean; floor: number[] }[] = [
    { flex: true, floor: limits.soft },
    { flex: true, floor: limits.hard },
    { flex: false, floor: limits.hard },
  ];
  for (const pass of passes) {
    while (total() > width) {
      let pick = -1;
      for (let i = 0; i < widths.length; i++) {
        if (limits.flex[i] !== pass.flex || widths[i]! <= pass.floor[i]!) continue;
        if (pick === -1 || widths[i]! > widths[pick]!) pick = i;
      }
      if (pick === -1) break;
      widths[pick]!--;
    }
  }
  return widths;
}

export function renderTable<R>(
  rows: readonly R[],
  allColumns: readonly Column<R>[],
  options: TableOptions,
): string[] {
  const style = options.style ?? NO_STYLE;
  const allCells = rows.map((row) =>
    allColumns.map((c) => printable(c.value(row).replace(/\s*\n\s*/g, " "))),
  );
  const headers = allColumns.map((c) => printable(c.header));
  const natural = headers.map((h, i) =>
    Math.max(displayWidth(h), ...allCells.map((r) => displayWidth(r[i]!))),
  );
  const flex = allColumns.map((c) => c.flex === true);
  const soft = allColumns.map((c, i) => Math.min(natural[i]!, c.min ?? (c.flex ? FLEX_FLOOR : 3)));
  const hard = allColumns.map((c, i) => (c.flex ? Math.min(natural[i]!, FLEX_FLOOR) : soft[i]!));
  // Leave out optional columns, in their order, while flexible columns at their soft width do not fit.
  const keep = allColumns.map(() => true);
  const dropOrder = allColumns
    .map((c, i) => ({ i, order: c.optional }))
    .filter((d): d is { i: number; order: number } => d.order !== undefined)
    .sort((a, b) => a.order - b.order);
  const softTotal = () =>
    allColumns.reduce(
      (sum, c, i) => (keep[i] ? sum + (c.flex ? soft[i]! : natural[i]!) + GAP : sum),
      -GAP,
    );
  for (const d of dropOrder) {
    if (options.width === null || softTotal() <= options.width) break;
    keep[d.i] = false;
  }
  const pick = <T>(xs: readonly T[]) => xs.filter((_, i) => keep[i]);
  const columns = pick(allColumns);
  const cells = allCells.map(pick);
  const widths = fitWidths(
    { natural: pick(natural), soft: pick(soft), hard: pick(hard), flex: pick(flex) },
    options.width,
  );
  const pad = (text: string, i: number) => {
    const w = widths[i]!;
    const cut = truncate(text, w);
    if (columns[i]!.align === "right") return padStartToWidth(cut, w);
    // The last column is not padded: no trailing blanks, styled or not.
    return i === columns.length - 1 ? cut : padEndToWidth(cut, w);
  };
  const join = (parts: string[]) => parts.join(" ".repeat(GAP)).trimEnd();
  const header = join(pick(headers).map((h, i) => style.bold(pad(h, i))));
  const body = cells.map((r, j) =>
    join(
      r.map((text, i) => {
        const padded = pad(text, i);
        const color = columns[i]!.color;
        return color ? color(padded, rows[j]!, style) : padded;
      }),
    ),
  );
  return [header, ...body];
}

/** A described field: its name, its value, and how to colour the value as shown. */
export type Field = [key: string, value: string, color?: (shown: string) => string];

/** `printable`, but tabs are spaces to the next stop of 8, as a terminal shows them. */
function printableExpandingTabs(line: string): string {
  let out = "";
  for (const [i, part] of line.split("\t").entries()) {
    if (i > 0) out += " ".repeat(8 - (displayWidth(out) % 8));
    out += printable(part);
  }
  return out;
}

/**
 * `key  value` lines with the keys aligned, for describe commands. Keys and
 * values are shown `printable`, a value of several lines (a trial's last log
 * lines in its end reason) line by line, each under the first, its tabs as
 * spaces; a value's colour applies to what is shown.
 */
export function renderFields(fields: readonly Field[], style: Style = NO_STYLE): string[] {
  const keys = fields.map(([k]) => printable(k));
  const w = Math.max(0, ...keys.map(displayWidth));
  return fields.flatMap(([, v, color], i) =>
    v.split("\n").map((line, j) => {
      const shown = printableExpandingTabs(line);
      const key = j === 0 ? style.dim(padEndToWidth(keys[i]!, w)) : " ".repeat(w);
      return `${key}  ${color ? color(shown) : shown}`;
    }),
  );
}
