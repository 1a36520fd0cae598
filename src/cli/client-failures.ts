/** How the client describes a failure for a person: the master's refusals, a master out of reach. */
import type { ConfigError } from "../protocol/config/index.js";
import { CliError } from "./errors.js";

/** The refusal of a caller's request past its bound of open requests (not a login's throttle). */
export function isOpenRequestsLimit(details: unknown): boolean {
  return typeof details === "object" && details !== null && "limit" in details;
}

export function configErrors(details: unknown): ConfigError[] {
  if (typeof details !== "object" || details === null || !("errors" in details)) return [];
  const errors = (details as { errors: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors.filter(
    (e): e is ConfigError =>
      typeof e === "object" &&
      e !== null &&
      typeof (e as ConfigError).path === "string" &&
      typeof (e as ConfigError).message === "string",
  );
}

export function indent(text: string, by = "  "): string {
  return text
    .split("\n")
    .map((line) => by + line)
    .join("\n");
}

/** Why a request never got an answer, said for a person. */
export function unreachable(url: string, err: unknown): CliError {
  // node:http's errors carry their code; fetch's wrap it in their cause.
  const failure = err as {
    code?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  const code = failure.code ?? failure.cause?.code;
  // It took the request and went silent: up, but hung or overloaded.
  if (code === "ENOANSWER")
    return new CliError(`the master at ${url} stopped answering (${failure.message}).`);
  const reason =
    code === "ECONNREFUSED"
      ? "connection refused"
      : code === "ENOTFOUND"
        ? "unknown host"
        : code === "ETIMEDOUT" && failure.message
          ? failure.message
          : (code ?? failure.cause?.message ?? failure.message ?? String(err));
  return new CliError(
    `cannot reach the master at ${url} (${reason}).\n` +
      "Start one with `pushtune master`, or point at another with --master URL or PUSHTUNE_MASTER.",
  );
}
