/**
 * The trials table's filter: words separated by spaces, all of which must
 * hold. `lr<0.01`, `hidden>=64`, `optimizer=adam`, `best<0.3` compare a
 * column; any other word must appear in the trial's id, state or hparams.
 */
import { ownValue } from "../../protocol/own-value.js";
import type { Flat } from "./hparams.js";

export interface FilterRow {
  id: number;
  state: string;
  flat: Flat;
  /** Columns other than hparams: length, restarts, latest, best. */
  extra: Record<string, number | null>;
}

type Test = (row: FilterRow) => boolean;

const COMPARE = /^([\w.]+)(<=|>=|!=|=|<|>)(.+)$/;

function compare(op: string, a: number | string, b: number | string): boolean {
  switch (op) {
    case "<":
      return a < b;
    case ">":
      return a > b;
    case "<=":
      return a <= b;
    case ">=":
      return a >= b;
    case "!=":
      return a !== b;
    default:
      return a === b;
  }
}

function word(w: string): Test {
  const m = COMPARE.exec(w);
  if (m) {
    const [, key, op, raw] = m as unknown as [string, string, string, string];
    const num = Number(raw);
    return (row) => {
      const v = Object.hasOwn(row.flat, key)
        ? row.flat[key]
        : key === "id"
          ? row.id
          : ownValue(row.extra, key);
      if (v === undefined || v === null) return false;
      if (typeof v === "number" && Number.isFinite(num)) return compare(op, v, num);
      const text = typeof v === "string" ? v : JSON.stringify(v);
      return compare(op, text.toLowerCase(), raw.toLowerCase());
    };
  }
  const needle = w.toLowerCase();
  return (row) =>
    String(row.id) === needle ||
    row.state.toLowerCase().includes(needle) ||
    Object.values(row.flat).some((v) =>
      (typeof v === "string" ? v : JSON.stringify(v)).toLowerCase().includes(needle),
    );
}

export function parseFilter(text: string): Test {
  const tests = text.trim().split(/\s+/).filter(Boolean).map(word);
  return (row) => tests.every((t) => t(row));
}
