/**
 * Ways to break a valid request value: at one place inside it, a wrong
 * type, a number past any bound, a NUL, nesting thousands deep, a
 * prototype key, a missing or an unknown field. Pure: `breakAt` copies.
 */
import fc from "fast-check";

/** JSON text put into a request as it is: values too deep for the test's own JSON.stringify. */
export class RawJson {
  constructor(readonly text: string) {
    // Shared by every case that draws it: a breakage that tried to change it would throw.
    Object.freeze(this);
  }
}

/** Arrays and objects nested `n` deep, as JSON text. */
const deep = (n: number) => new RawJson(`${'[{"x":'.repeat(n / 2)}1${"}]".repeat(n / 2)}`);

/** A request value as JSON text, raw pieces included; own keys only, `__proto__` as a plain key. */
export function toJson(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value))
    return `[${value.map((v) => toJson(v === undefined ? null : v)).join(",")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

/** A copy that keeps raw pieces and own `__proto__` keys. */
function copyOf(value: unknown): unknown {
  if (value instanceof RawJson || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(copyOf);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, k, copyOf(v));
  return out;
}

/** An object whose own keys are Object.prototype's names, as JSON would give it. */
const prototypeKeys = (value: unknown) =>
  JSON.parse(
    `{"__proto__":${JSON.stringify(value)},"constructor":${JSON.stringify(value)},"toString":${JSON.stringify(value)},"valueOf":${JSON.stringify(value)},"hasOwnProperty":${JSON.stringify(value)}}`,
  ) as Record<string, unknown>;

export const HUGE_NUMBERS = [
  2 ** 31,
  2 ** 53,
  2 ** 60,
  2 ** 63,
  -(2 ** 63),
  1e23,
  1e308,
  -1e308,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  -1,
  0,
  1.5,
  -0.5,
];

/** A value that does not belong where it is put. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, "", "x", [], {}, "\u0000", "a\u0000b", "1", "0x10", "1e23"),
  fc.constantFrom(...HUGE_NUMBERS),
  fc.constantFrom(deep(40), deep(4500), prototypeKeys(1), prototypeKeys({ a: 1 })),
  fc.string({ maxLength: 20, unit: "binary" }),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
);

export const PROTOTYPE_KEYS = ["__proto__", "constructor", "toString", "valueOf", "hasOwnProperty"];

export type Breakage =
  | { kind: "replace"; at: number; value: unknown }
  | { kind: "addKey"; at: number; key: string; value: unknown }
  | { kind: "removeKey"; at: number; pick: number };

export const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), value: wrongValue }),
  fc.record({
    kind: fc.constant("addKey" as const),
    at: fc.nat(),
    key: fc.constantFrom(...PROTOTYPE_KEYS, "unknown_field", "a\u0000b"),
    value: wrongValue,
  }),
  fc.record({ kind: fc.constant("removeKey" as const), at: fc.nat(), pick: fc.nat() }),
);

/** Every place in a JSON value, as key paths, the root first. */
function places(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(path);
  if (value instanceof RawJson) return out;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) places(v, [...path, i], out);
  } else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) places(v, [...path, k], out);
  return out;
}

function setOwn(target: Record<string | number, unknown>, key: string | number, value: unknown) {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** A JSON object whose keys a breakage may add or remove: raw JSON text is a leaf, as a string is. */
function isObjectPlace(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    !(value instanceof RawJson)
  );
}

/** `value` with one breakage applied at one of its places (a copy; JSON-only values). */
export function breakAt(value: unknown, b: Breakage): unknown {
  const copy = copyOf(value);
  const all = places(copy);
  const where = all[b.at % all.length]!;
  const parentOf = (path: (string | number)[]) =>
    path.slice(0, -1).reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], copy);
  const target = where.reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], copy);
  switch (b.kind) {
    case "replace": {
      if (where.length === 0) return b.value;
      setOwn(parentOf(where) as Record<string, unknown>, where[where.length - 1]!, b.value);
      return copy;
    }
    case "addKey": {
      if (!isObjectPlace(target)) return copy;
      setOwn(target, b.key, b.value);
      return copy;
    }
    case "removeKey": {
      if (!isObjectPlace(target)) return copy;
      const keys = Object.keys(target);
      if (keys.length > 0) delete target[keys[b.pick % keys.length]!];
      return copy;
    }
  }
}
