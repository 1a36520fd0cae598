/** The SDK's transport over fastify's inject: the real master's routes, no sockets. */
import { isErrorBody } from "../../src/protocol/api/errors.js";
import { RequestError, RetryableError, type Transport } from "../../src/sdk/index.js";
import type { TestMaster } from "../master/support/harness.js";

/** `token` is read at every request, so it can follow a process that changes trials. */
export function injectTransport(tm: TestMaster, token: () => string): Transport {
  return {
    async request(method, path, body, options) {
      if (options?.signal?.aborted) throw options.signal.reason;
      const res = await tm.app.inject({
        method,
        url: `/api/v1${path}`,
        headers: { authorization: `Bearer ${token()}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      const json: unknown = res.body ? JSON.parse(res.body) : null;
      if (res.statusCode < 300) return json;
      if (res.statusCode === 429 || res.statusCode >= 500) {
        throw new RetryableError(res.body, res.statusCode);
      }
      if (!isErrorBody(json)) throw new Error(`${res.statusCode}: ${res.body}`);
      throw new RequestError(json.error.code, json.error.message, res.statusCode);
    },
  };
}
