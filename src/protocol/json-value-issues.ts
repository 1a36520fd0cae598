/**
 * What no schema keyword can say about a JSON value, found by the one walk
 * the master's request validation and the config parser share: a NUL
 * character in a string or a key (PostgreSQL cannot store one, no process can
 * be started with one in its command line or environment, and a key with one
 * is never what a user meant), a lone UTF-16 surrogate in one (JSON can write
 * "\ud800", but it is no Unicode character: no UTF-8 holds it, and SQLite and
 * PostgreSQL each store it as something else), and nesting past a limit.
 * Iterative, so a value nested thousands deep cannot exhaust the stack. Pure
 * (no `node:*`).
 */

/**
 * Deepest nesting of arrays and objects (mappings and lists) any request or
 * config may carry, the value itself being depth 1: the master's request
 * bodies and YAML configs alike.
 */
export const MAX_JSON_DEPTH = 32;

/** A surrogate not part of a pair: with the `u` flag, a pair is one character and does not match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/**
 * NUL or a lone surrogate: one test of every string and key (request bodies
 * are walked on every push), the two told apart only where one is found.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const REFUSED = /[\u0000\uD800-\uDFFF]/u;

/** Why `text` is no valid Unicode, or null when it is. */
function notUnicode(text: string): string | null {
  const found = LONE_SURROGATE.exec(text);
  if (!found) return null;
  return `a lone surrogate (U+${found[0].charCodeAt(0).toString(16).toUpperCase()})`;
}

export interface JsonValueIssue {
  /** Where, in the caller's notation ("" is the value itself). */
  path: string;
  message: string;
}

export interface JsonWalk {
  /** The path of member `key` of the value at `parent`: a JSON pointer, a dotted config path. */
  child(parent: string, key: string | number): string;
  /** Deepest nesting of arrays and objects allowed, the value itself being depth 1; no limit when absent. */
  maxDepth?: number;
  /**
   * The value may hold one object in several places, or inside itself (YAML
   * aliases, objects built in code): each object is walked once. Parsed JSON
   * never does, and is walked without the bookkeeping.
   */
  sharedReferences?: boolean;
}

/** Every issue in `value`, in document order. */
export function* jsonValueIssues(value: unknown, walk: JsonWalk): Generator<JsonValueIssue> {
  const seen = walk.sharedReferences ? new Set<object>() : null;
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: "", depth: 1 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === "string") {
      if (!REFUSED.test(v)) continue;
      if (v.includes("\u0000")) yield { path, message: "must not contain NUL" };
      const why = notUnicode(v);
      if (why) yield { path, message: `is not valid Unicode: it holds ${why}` };
      continue;
    }
    if (typeof v !== "object" || v === null) continue;
    if (seen) {
      if (seen.has(v)) continue;
      seen.add(v);
    }
    if (walk.maxDepth !== undefined && depth > walk.maxDepth) {
      yield {
        path,
        message: `must not nest deeper than ${walk.maxDepth} levels of arrays and objects`,
      };
      continue;
    }
    // Members are pushed last to first, so that the first is walked first.
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--)
        stack.push({ value: v[i], path: walk.child(path, i), depth: depth + 1 });
      continue;
    }
    const members = Object.entries(v);
    if (members.some(([key]) => REFUSED.test(key))) {
      if (members.some(([key]) => key.includes("\u0000")))
        yield { path, message: "must not have a key containing NUL" };
      const badKey = members.find(([key]) => LONE_SURROGATE.test(key));
      if (badKey)
        yield { path, message: `is not valid Unicode in a key: it holds ${notUnicode(badKey[0])}` };
    }
    for (let i = members.length - 1; i >= 0; i--) {
      const [key, item] = members[i]!;
      stack.push({ value: item, path: walk.child(path, key), depth: depth + 1 });
    }
  }
}
