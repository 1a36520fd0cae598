/**
 * Colours for a person at a terminal: on only when stdout is a TTY and
 * NO_COLOR is unset or empty (https://no-color.org). Styling is applied after
 * padding, so escape codes never count toward a column's width.
 */
import type { Io } from "../io.js";

export interface Style {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const sgr = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const plain = (s: string) => s;

export const NO_STYLE: Style = {
  enabled: false,
  bold: plain,
  dim: plain,
  red: plain,
  green: plain,
  yellow: plain,
  cyan: plain,
};

export const ANSI_STYLE: Style = {
  enabled: true,
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
};

export function colorsWanted(io: Pick<Io, "isTTY" | "env">): boolean {
  const noColor = io.env.NO_COLOR;
  return io.isTTY && (noColor === undefined || noColor === "");
}

export function styleFor(io: Pick<Io, "isTTY" | "env">): Style {
  return colorsWanted(io) ? ANSI_STYLE : NO_STYLE;
}

/** The colour of an experiment or trial state, by how it ended. */
function stateColour(style: Style, state: string): (s: string) => string {
  if (state === "COMPLETED") return style.green;
  if (state === "ERROR" || state === "STOPPING_ERROR") return style.red;
  if (state === "ACTIVE") return style.cyan;
  if (state === "PAUSED" || state.startsWith("STOPPING")) return style.yellow;
  return style.dim;
}

/** Experiment and trial states, coloured by how they ended. */
export function styleState(style: Style, state: string): string {
  return stateColour(style, state)(state);
}

/**
 * A table cell that starts with `state` as it is shown: padded, or cut to
 * "COMPL…". The state's part of it is coloured, the rest left as it is, so the
 * cell keeps its width.
 */
export function styleStateCell(style: Style, state: string, cell: string): string {
  return stateColour(style, state)(cell.slice(0, state.length)) + cell.slice(state.length);
}

export function stripAnsi(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape codes is the point
  return s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
}
