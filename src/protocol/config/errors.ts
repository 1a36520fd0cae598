/**
 * Config errors: a path into the user's document and a message that says what
 * was expected and what was found, so that a user can fix every problem in one
 * pass (DESIGN §2: all errors at once).
 */
import type { ExperimentConfig } from "./types.js";

/** One problem with a config. `path` is dotted (`searcher.max_trials`); "" is the document itself. */
export interface ConfigError {
  path: string;
  message: string;
}

export type ParseResult =
  | { ok: true; config: ExperimentConfig }
  | { ok: false; errors: ConfigError[] };

/** Collects errors while the whole document is walked; parsing never stops at the first one. */
export class ErrorList {
  readonly errors: ConfigError[] = [];

  /** `ignoreUnknownFields`: fields the parser does not know are passed over, not reported. */
  constructor(readonly ignoreUnknownFields = false) {}

  add(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  get count(): number {
    return this.errors.length;
  }
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `parent.key`, or `parent["odd key"]` when the key would make the path ambiguous. */
export function childPath(parent: string, key: string): string {
  if (PLAIN_KEY.test(key)) return parent === "" ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** A plain mapping as produced by YAML or JSON (not a list, not a Date, not a Map). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.prototype.toString.call(value) === "[object Object]"
  );
}

const MAX_SHOWN_STRING = 40;

/** How a value is shown after "got": strings quoted, collections by kind. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "string": {
      const shown =
        value.length > MAX_SHOWN_STRING ? `${value.slice(0, MAX_SHOWN_STRING - 1)}…` : value;
      return JSON.stringify(shown);
    }
    case "number":
      return Object.is(value, -0) ? "0" : String(value);
    case "boolean":
      return String(value);
    case "undefined":
      return "nothing";
    case "bigint":
      return "a bigint";
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
  }
  if (value === null) return "null";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (isMapping(value)) return Object.keys(value).length === 0 ? "an empty mapping" : "a mapping";
  return `an object of type ${Object.prototype.toString.call(value).slice(8, -1)}`;
}

/** One line per error: `searcher.max_trials: must be an integer >= 1, got "ten"`. */
export function formatConfigErrors(errors: readonly ConfigError[]): string {
  return errors
    .map((e) => (e.path === "" ? e.message : `${e.path}: ${e.message}`).replace(/\r?\n/g, " "))
    .join("\n");
}
