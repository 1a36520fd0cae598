/**
 * How the fake master refuses a request, and checks a request body against
 * the protocol's schemas. The schemas are loaded on first use (by the first
 * fake master): a trial that never uses the fake never loads them.
 */
import type { ErrorCode } from "../../protocol/api/errors.js";
import { RequestError } from "../errors.js";
import type { bodySchemas } from "./body-checks.js";

export function refuse(code: ErrorCode, message: string, details?: unknown): never {
  throw new RequestError(code, message, undefined, details);
}

let bodyChecks: Promise<typeof import("./body-checks.js")> | null = null;

export function loadBodyChecks(): Promise<typeof import("./body-checks.js")> {
  bodyChecks ??= import("./body-checks.js");
  return bodyChecks;
}

/** Checks a request body against the protocol schema `name`. */
export async function checked<T>(name: keyof typeof bodySchemas, body: unknown): Promise<T> {
  const { bodyProblems } = await loadBodyChecks();
  const problems = bodyProblems(name, body);
  if (problems.length > 0) refuse("BAD_REQUEST", `invalid body: ${problems.join("; ")}`);
  return body as T;
}
