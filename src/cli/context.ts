/** What every command gets: the outside world (`Io`) and a way to reach the master. */
import { ErrorList } from "../protocol/config/errors.js";
import type { Rule } from "../protocol/config/fields.js";
import { type FetchLike, httpFetch } from "../protocol/http-request.js";
import { MasterClient } from "./client.js";
import { type GlobalFlags, masterUrl, noTokenAdvice, resolveToken } from "./connection.js";
import { usageError } from "./errors.js";
import { styleFor } from "./format/style.js";
import type { Io } from "./io.js";

export class CommandContext {
  /** What the process exits with when the command returns normally. */
  exitCode = 0;

  constructor(
    readonly io: Io,
    private readonly fetchImpl: FetchLike = httpFetch,
  ) {}

  get style() {
    return styleFor(this.io);
  }

  /** A client for the master named by the flags or environment, with the token found for it. */
  async connect(flags: GlobalFlags): Promise<MasterClient> {
    const url = masterUrl(flags, this.io.env);
    const token = await resolveToken(url, flags, this.io.env);
    return new MasterClient(
      url,
      token?.token ?? null,
      this.fetchImpl,
      noTokenAdvice(url, this.io.env),
    );
  }

  print(lines: string | readonly string[]): void {
    const text = typeof lines === "string" ? lines : lines.join("\n");
    this.io.out(`${text}\n`);
  }

  /** The API's JSON, one document, for scripts. */
  printJson(value: unknown): void {
    this.io.out(`${JSON.stringify(value, null, 2)}\n`);
  }
}

/** A positive integer id from the command line, or a usage error naming what it was for. */
export function parseId(what: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > 2 ** 31 - 1)
    throw usageError(`${what} id must be a positive integer, got "${value}"`);
  return n;
}

/**
 * An integer option, checked by `rule`: the rule of the config field it
 * stands for, so a flag takes what the file takes. A refusal names the flag:
 * `--slots: must be an integer >= 1, got -3`.
 */
export function integerOption(flag: string, rule: Rule<number>) {
  return (text: string): number => {
    const trimmed = text.trim();
    // Not decimal digits: the text itself, which the rule refuses quoted ("abc", "1.5").
    const value: unknown = /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) + 0 : text;
    const errors = new ErrorList();
    const n = rule.read(value, flag, errors);
    if (n === undefined)
      throw usageError(errors.errors.map((e) => `${e.path}: ${e.message}`).join("\n"));
    return n;
  };
}

export function parsePositiveInt(what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1)
      throw usageError(`${what} must be a positive integer, got "${value}"`);
    return n;
  };
}

export function parseSeconds(what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || n > 3600)
      throw usageError(`${what} must be a number of seconds in (0, 3600], got "${value}"`);
    return n;
  };
}
