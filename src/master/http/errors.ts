/**
 * The one error-to-HTTP mapper: every failure leaves as
 * `{error: {code, message, details?}}` with a 4xx for anything the caller
 * did wrong. Route handlers never build error bodies themselves.
 */
import type { FastifyError, FastifyInstance } from "fastify";
import { ApiError, type ErrorBody, type ErrorCode } from "../../protocol/api/errors.js";

function fromFastify(err: FastifyError): ApiError | null {
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
    return new ApiError(code, err.message);
  }
  return null;
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    const api = error instanceof ApiError ? error : fromFastify(error);
    if (!api) {
      request.log.error({ err: error }, "unhandled error");
      if (process.env.PUSHTUNE_DEBUG_ERRORS) console.error(error);
      const body: ErrorBody = {
        error: { code: "INTERNAL", message: "internal error; see the master's log" },
      };
      return reply.status(500).send(body);
    }
    const body: ErrorBody = {
      error: {
        code: api.code,
        message: api.message,
        ...(api.details === undefined ? {} : { details: api.details }),
      },
    };
    return reply.status(api.status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: { code: "NOT_FOUND", message: `no route ${request.method} ${request.url}` },
    };
    return reply.status(404).send(body);
  });
}
