/**
 * Conversions between the portable column types of `schema.ts` and the row
 * types of `store.ts`: integers 0/1 ↔ booleans, epoch milliseconds ↔ `Date`,
 * text ↔ JSON.
 */
import type { Kysely } from "kysely";
import type { Database, EpochMs, IntBool } from "./schema.js";

/** A database handle: the root Kysely instance or a transaction of it. */
export type Db = Kysely<Database>;

export function toBool(value: number): boolean {
  return value === 1;
}

export function fromBool(value: boolean): IntBool {
  return value ? 1 : 0;
}

export function toDate(ms: EpochMs): Date {
  return new Date(ms);
}

export function toDateOrNull(ms: EpochMs | null): Date | null {
  return ms === null ? null : new Date(ms);
}

export function fromDate(date: Date): EpochMs {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new TypeError("cannot store an invalid Date");
  return ms;
}

export function fromDateOrNull(date: Date | null): EpochMs | null {
  return date === null ? null : fromDate(date);
}

/** `undefined` (nothing to store) is stored as JSON null. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/**
 * Metric values as JSON text. JSON has no NaN or ±Infinity, yet a diverging
 * loss is exactly that, so non-finite numbers are written as strings
 * ("NaN", "Infinity", "-Infinity") and read back as numbers.
 */
export function encodeMetrics(metrics: Record<string, number>): string {
  for (const key in metrics) {
    if (!Number.isFinite(metrics[key])) return JSON.stringify(metrics, nonFiniteAsString);
  }
  return JSON.stringify(metrics);
}

function nonFiniteAsString(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isFinite(value) ? String(value) : value;
}

export function decodeMetrics(text: string): Record<string, number> {
  const metrics = JSON.parse(text) as Record<string, number | string>;
  for (const key in metrics) {
    const value = metrics[key];
    if (typeof value === "string") metrics[key] = Number(value);
  }
  return metrics as Record<string, number>;
}

/** Same names with the same values, in any key order; NaN equals NaN, 0 equals -0 (as JSON stores them). */
export function sameMetrics(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key)) return false;
    const x = a[key] as number;
    const y = b[key] as number;
    if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) return false;
  }
  return true;
}

/** Splits rows so one statement stays well under both dialects' bound-parameter limits. */
export function chunks<T>(items: T[], size: number): T[][] {
  if (items.length <= size) return [items];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * `read`'s rows for `ids`, read 500 ids at a time: a statement binds a
 * bounded number of values (SQLite's and PostgreSQL's limits).
 */
export async function inParts<R>(
  ids: readonly number[],
  read: (part: number[]) => Promise<R[]>,
): Promise<R[]> {
  const rows: R[] = [];
  for (let i = 0; i < ids.length; i += 500) rows.push(...(await read(ids.slice(i, i + 500))));
  return rows;
}

/** Kysely reports affected rows as bigint. */
export function count(n: bigint | undefined): number {
  return Number(n ?? 0n);
}
