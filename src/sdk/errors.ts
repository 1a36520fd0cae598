/**
 * The errors the SDK throws. A push is either worth retrying (the master was
 * unreachable or overloaded; the request may or may not have landed) or final
 * (the master answered with a stable error code; sending it again will not help).
 */
import { ERROR_STATUS, type ErrorCode } from "../protocol/api/errors.js";

/** Network failure, timeout, 429 or 5xx: send again later. */
export class RetryableError extends Error {
  constructor(
    message: string,
    /** The HTTP status, or null when no answer came back at all. */
    readonly status: number | null = null,
    /** The master's `Retry-After`, when it gave one. */
    readonly retryAfterMs: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "RetryableError";
  }
}

/** The master answered 4xx with a stable code: this request will never succeed as it is. */
export class RequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number = ERROR_STATUS[code],
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "RequestError";
  }
}

/** The master answered something that does not match the protocol. */
export class UnexpectedResponseError extends Error {
  constructor(
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = "UnexpectedResponseError";
  }
}

/** A metric or step the SDK refuses before anything is sent. */
export class InvalidReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidReportError";
  }
}

/** The reason `ctx.preempt.signal` aborts with when the master asks the trial to stop. */
export class PreemptedError extends Error {
  /** `by`: the master asked, or the process was sent SIGTERM (Slurm's time limit or preemption). */
  constructor(by: "master" | "SIGTERM" = "master") {
    super(
      by === "master"
        ? "the master asked this trial to stop (preemption): checkpoint and exit"
        : "the process was sent SIGTERM (preemption): checkpoint and exit",
    );
    this.name = "PreemptedError";
  }
}

/** Throw from `trainBatch`/`evaluate` when the hyperparameters cannot work; the trial exits early. */
export class InvalidHPError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidHPError";
  }
}

/**
 * Codes after which this process must stop pushing for good: its token is
 * wrong or a newer allocation of the trial has superseded it (a fencing token).
 */
const FATAL_CODES: ReadonlySet<ErrorCode> = new Set([
  "STALE_ALLOCATION",
  "UNAUTHENTICATED",
  "FORBIDDEN",
]);

export function isFatal(error: unknown): error is RequestError {
  return error instanceof RequestError && FATAL_CODES.has(error.code);
}

/** The code a 4xx without a well-formed error body is given. */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "FORBIDDEN";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "INVALID_TRANSITION";
    case 413:
      return "BODY_TOO_LARGE";
    case 415:
      return "UNSUPPORTED_MEDIA_TYPE";
    default:
      return "BAD_REQUEST";
  }
}

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(ERROR_STATUS, code);
}

/**
 * This process cannot be the trial it was started as: a PUSHTUNE_* variable
 * is missing or malformed (for example no usable PUSHTUNE_MASTER).
 */
export class TrialEnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TrialEnvironmentError";
  }
}
