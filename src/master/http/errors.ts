/**
 * The one error-to-HTTP mapper: every failure leaves as
 * `{error: {code, message, details?}}` with a 4xx for anything the caller
 * did wrong. Route handlers never build error bodies themselves.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiError, type ErrorBody, type ErrorCode } from "../../protocol/api/errors.js";
import { fullDiskCode } from "../storage/full-disk.js";

function fromFastify(err: FastifyError, request: FastifyRequest): ApiError | null {
  if (err.validation) {
    const where = err.validationContext ?? "request";
    const issues = err.validation.map(
      (v) => `${where}${v.instancePath || ""}: ${v.message ?? "is invalid"}`,
    );
    return new ApiError("BAD_REQUEST", issues.join("; "), { issues: err.validation });
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code: ErrorCode =
      status === 413
        ? "BODY_TOO_LARGE"
        : status === 415
          ? "UNSUPPORTED_MEDIA_TYPE"
          : status === 404
            ? "NOT_FOUND"
            : "BAD_REQUEST";
    if (status === 415) {
      const type = request.headers["content-type"] ?? "none";
      return new ApiError(code, `a body must be JSON (content-type application/json), not ${type}`);
    }
    return new ApiError(code, err.message);
  }
  return null;
}

/**
 * A write the master's own disk had no room for: the request was fine and
 * nothing of it was stored, so the caller is told so, and may send it again
 * once there is room.
 */
function fromFullDisk(err: unknown): ApiError | null {
  const code = fullDiskCode(err);
  if (code === null) return null;
  return new ApiError(
    "STORAGE_FULL",
    `the master's disk is full, so this was not stored (${code}: ${(err as Error).message}); free some space on it and send it again`,
  );
}

/** Seconds a throttled caller should wait, from the error's `retryAfterSeconds` detail. */
function retryAfter(api: ApiError): number | null {
  const d = api.details as { retryAfterSeconds?: unknown } | undefined;
  return api.status === 429 && typeof d?.retryAfterSeconds === "number"
    ? d.retryAfterSeconds
    : null;
}

/**
 * Every error answer carries the request's id (`error.requestId`, and the
 * `x-request-id` header on every answer). Every 5xx is logged as one JSON
 * line with that id, the route, the error's message and its stack, so the id
 * a user reports finds the cause in the master's log.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    const api =
      (error instanceof ApiError ? error : (fromFullDisk(error) ?? fromFastify(error, request))) ??
      new ApiError("INTERNAL", "internal error; see the master's log for this request id");
    if (api.status >= 500) {
      request.log.error(
        {
          err: error,
          route: `${request.method} ${request.routeOptions.url ?? request.url}`,
          url: request.url,
          status: api.status,
        },
        error.message,
      );
    }
    const body: ErrorBody = {
      error: {
        code: api.code,
        message: api.message,
        ...(api.details === undefined ? {} : { details: api.details }),
        requestId: String(request.id),
      },
    };
    const retry = retryAfter(api);
    if (retry !== null) reply.header("retry-after", String(retry));
    return reply.status(api.status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: {
        code: "NOT_FOUND",
        message: `no route ${request.method} ${request.url}`,
        requestId: String(request.id),
      },
    };
    return reply.status(404).send(body);
  });
}

/**
 * Errors the router raises before a route is found (a path that is not valid
 * percent-encoding, a path parameter past the router's length limit): the
 * same typed body and request id as every other error.
 */
export function frameworkErrors(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const api =
    error.code === "FST_ERR_MAX_PARAM_LENGTH"
      ? new ApiError("URL_TOO_LONG", "a path parameter is too long")
      : new ApiError("BAD_REQUEST", `the URL is not valid: ${error.message}`);
  const body: ErrorBody = {
    error: { code: api.code, message: api.message, requestId: String(request.id) },
  };
  void reply.header("x-request-id", request.id).status(api.status).send(body);
}
