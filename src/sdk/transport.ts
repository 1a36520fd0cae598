/**
 * The one seam between the SDK and the master. `HttpTransport` speaks REST;
 * `FakeMaster` implements the same interface in memory, so trial code can be
 * tested without a server.
 */
import { isErrorBody } from "../protocol/api/errors.js";
import { type FetchedResponse, type FetchLike, httpFetch } from "../protocol/http-request.js";
import { clampTimerMs } from "../protocol/timers.js";
import { codeForStatus, isErrorCode, RequestError, RetryableError } from "./errors.js";

export type HttpMethod = "GET" | "POST";

export interface RequestOptions {
  /** Aborting rejects the request with the signal's reason; it is never retried. */
  signal?: AbortSignal;
  /** Overrides the transport's default timeout (long polls need more). */
  timeoutMs?: number;
}

export interface Transport {
  /**
   * Sends one request. `path` is relative to the API root (`/trials/1/progress`,
   * query string included). Resolves with the parsed JSON answer (null when
   * empty); rejects with `RetryableError` (network, timeout, 429, 5xx) or
   * `RequestError` (4xx with a stable code).
   */
  request(
    method: HttpMethod,
    path: string,
    body?: unknown,
    options?: RequestOptions,
  ): Promise<unknown>;
}

export interface HttpTransportOptions {
  /**
   * The master's address, e.g. `http://10.0.0.5:8080` (`/api/v1` is appended);
   * the REST API's own URL (`…/api/v1`) is taken for its master's, as the CLI takes it.
   */
  master: string;
  token: string;
  /** Per-request timeout unless a request gives its own. Default 30 s. */
  timeoutMs?: number;
  /** For tests; `node:http` with kept-alive connections by default (the global fetch fits too). */
  fetch?: FetchLike;
}

export class HttpTransport implements Transport {
  private readonly root: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: FetchLike;

  constructor(private readonly options: HttpTransportOptions) {
    this.root = `${options.master.replace(/\/+$/, "").replace(/\/api\/v1$/, "")}/api/v1`;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetchFn = options.fetch ?? httpFetch;
  }

  async request(
    method: HttpMethod,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<unknown> {
    const timeout = AbortSignal.timeout(clampTimerMs(options.timeoutMs ?? this.timeoutMs));
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.token}`,
      accept: "application/json",
    };
    if (body !== undefined) headers["content-type"] = "application/json";

    let response: FetchedResponse;
    let text: string;
    try {
      response = await this.fetchFn(`${this.root}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      const what = timeout.aborted ? "timed out" : "failed";
      throw new RetryableError(`${method} ${path} ${what}: ${describe(error)}`, null, null, {
        cause: error,
      });
    }

    const json = parseJson(text);
    if (response.ok) return json;
    const message = isErrorBody(json) ? json.error.message : text.slice(0, 500);
    if (response.status === 429 || response.status >= 500) {
      throw new RetryableError(
        `${method} ${path}: ${response.status} ${message}`,
        response.status,
        retryAfterMs(response.headers.get("retry-after")),
      );
    }
    const code =
      isErrorBody(json) && isErrorCode(json.error.code)
        ? json.error.code
        : codeForStatus(response.status);
    const details = isErrorBody(json) ? json.error.details : undefined;
    throw new RequestError(code, `${method} ${path}: ${message}`, response.status, details);
  }
}

function parseJson(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function retryAfterMs(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.message}${cause}`;
}
