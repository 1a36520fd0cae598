/**
 * Stable error codes of the REST API and the HTTP status each maps to. The
 * master turns every `ApiError` into `{error: {code, message, details?}}` in
 * one place; clients switch on `code`, never on the message.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  INVALID_CONFIG: 400,
  UNAUTHENTICATED: 401,
  /** A user token past its expiry: log in again. */
  TOKEN_EXPIRED: 401,
  /** A user token revoked by a logout or by an admin. */
  TOKEN_REVOKED: 401,
  /** A token of a user an admin has deactivated: none of theirs works until an admin activates them. */
  USER_DEACTIVATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  EXPERIMENT_NOT_FOUND: 404,
  TRIAL_NOT_FOUND: 404,
  ALLOCATION_NOT_FOUND: 404,
  CHECKPOINT_NOT_FOUND: 404,
  USER_EXISTS: 409,
  STALE_ALLOCATION: 409,
  METRIC_CONFLICT: 409,
  OP_MISMATCH: 409,
  INVALID_TRANSITION: 409,
  /** An ended experiment whose checkpoints a live experiment's trials start from. */
  EXPERIMENT_IN_USE: 409,
  CHECKPOINT_EXISTS: 409,
  /** Operations posted for a searcher event that was already answered otherwise, or is past. */
  STALE_SEARCHER_EVENT: 409,
  /** Operations posted to an experiment whose search is over (Shutdown, or the experiment ended). */
  SEARCH_OVER: 409,
  /** Operations posted to an experiment whose searcher is not `custom`. */
  NOT_CUSTOM_SEARCHER: 409,
  /** Posted searcher operations that cannot apply (unknown trial, length, hyperparameters). */
  INVALID_OPERATION: 400,
  BODY_TOO_LARGE: 413,
  URL_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** Valid, but more work than one request may take (a preview past its time or memory budget). */
  TOO_MUCH_WORK: 422,
  /** A valid config whose search cannot be simulated (a custom searcher). */
  PREVIEW_UNAVAILABLE: 422,
  /** Too many failed logins; `Retry-After` says when to try again. */
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  /** The master's disk is full: nothing of the request was stored; send it again once there is room. */
  STORAGE_FULL: 507,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  /** `requestId`: the id the master logged the request under (also its `x-request-id` header). */
  error: { code: ErrorCode; message: string; details?: unknown; requestId?: string };
}

/** An error with a stable code; thrown anywhere in the master, mapped to HTTP once. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function isErrorBody(x: unknown): x is ErrorBody {
  if (typeof x !== "object" || x === null || !("error" in x)) return false;
  const e = (x as { error: unknown }).error;
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}
