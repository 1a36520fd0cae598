/**
 * A typed client of the master's REST API (src/protocol/api), for the CLI.
 * Every failure becomes a `CliError` that speaks to a person: which master
 * could not be reached and how to start one, which id does not exist, every
 * field error of a refused config.
 */

import { setTimeout } from "node:timers/promises";
import type { AshaRungs, ValidationColumns } from "../protocol/api/charts.js";
import type { ErrorBody } from "../protocol/api/errors.js";
import { isErrorBody } from "../protocol/api/errors.js";
import {
  CHECKPOINT_PAGE,
  EXPERIMENT_PAGE,
  readAllPages,
  TRIAL_PAGE,
} from "../protocol/api/paging.js";
import type {
  CheckpointList,
  CheckpointSchema,
  CreateExperimentBody,
  CreateUserBody,
  ExperimentDetail,
  ExperimentList,
  ExperimentSummary,
  LogPage,
  MetricSeries,
  RevokeResponse,
  TokenResponse,
  TrialDetail,
  TrialList,
  TrialSummary,
  UserActivationResponse,
  UserList,
  UserSchema,
} from "../protocol/api/resources.js";
import { formatConfigErrors } from "../protocol/config/errors.js";
import { type FetchedResponse, type FetchLike, httpFetch } from "../protocol/http-request.js";
import { configErrors, indent, isOpenRequestsLimit, unreachable } from "./client-failures.js";
import { CliError } from "./errors.js";

export type ExperimentAction = "pause" | "activate" | "cancel" | "kill";

export interface LogQuery {
  after?: number;
  limit?: number;
  tail?: number;
  waitSeconds?: number;
}

/** A refusal by the master, with its stable code (commands may switch on it). */
export class ApiFailure extends CliError {
  /** Set on a refusal that passes once the caller has waited this long (the master's Retry-After). */
  retryAfterSeconds?: number;

  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    exitCode: 1 | 2 = 1,
  ) {
    super(message, exitCode);
    this.name = "ApiFailure";
  }
}

/** How to give the CLI a token: said when the master refuses one or needs one. */
export const LOGIN_ADVICE =
  "log in with `pushtune user login NAME`, or give one with --token or PUSHTUNE_TOKEN";

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export type Method = "GET" | "POST" | "DELETE";

/** Visible ASCII only: what a bearer token is made of (the master's are base64url). */
export function isTokenText(token: string): boolean {
  return /^[\x21-\x7e]+$/.test(token);
}

export class MasterClient {
  constructor(
    readonly url: string,
    private readonly token: string | null,
    private readonly fetchImpl: FetchLike = httpFetch,
    /** What to do about a missing token, said when the master asks for one. */
    private readonly noTokenAdvice = LOGIN_ADVICE,
  ) {
    // A header could not carry it; the message must not show it either.
    if (token !== null && !isTokenText(token))
      throw new CliError("the token contains characters not allowed in a token", 2);
  }

  createExperiment(body: CreateExperimentBody): Promise<ExperimentDetail> {
    return this.request("POST", "/experiments", body);
  }

  /** Experiments in any of `states` (all of them when omitted), in id order, read page by page. */
  async listExperiments(states?: readonly string[]): Promise<{ experiments: ExperimentSummary[] }> {
    const state = states ? `&state=${encodeURIComponent(states.join(","))}` : "";
    const { rows } = await readAllPages(
      (after) =>
        this.requestSized<ExperimentList>(
          "GET",
          `/experiments?after=${after}&limit=${EXPERIMENT_PAGE}${state}`,
        ),
      (page) => page.experiments,
      EXPERIMENT_PAGE,
    );
    return { experiments: rows };
  }

  experiment(id: number, signal?: AbortSignal): Promise<ExperimentDetail> {
    return this.request("GET", `/experiments/${id}`, undefined, signal);
  }

  act(id: number, action: ExperimentAction): Promise<ExperimentDetail> {
    return this.request("POST", `/experiments/${id}/${action}`, {});
  }

  async deleteExperiment(id: number): Promise<void> {
    await this.send("DELETE", `/experiments/${id}`);
  }

  /**
   * Every trial of an experiment in id order, read page by page, and the size
   * of the pages read (characters of JSON): what a live view paces itself by.
   */
  async trials(
    experimentId: number,
    signal?: AbortSignal,
  ): Promise<{ trials: TrialSummary[]; bytes: number }> {
    const { rows, bytes } = await readAllPages(
      (after) =>
        this.requestSized<TrialList>(
          "GET",
          `/experiments/${experimentId}/trials?after=${after}&limit=${TRIAL_PAGE}`,
          undefined,
          signal,
        ),
      (page) => page.trials,
      TRIAL_PAGE,
    );
    return { trials: rows, bytes };
  }

  trial(id: number, signal?: AbortSignal): Promise<TrialDetail> {
    return this.request("GET", `/trials/${id}`, undefined, signal);
  }

  /** One page of every trial's searcher-metric validations, as columns. */
  validationColumns(experimentId: number, after: number): Promise<ValidationColumns> {
    return this.request(
      "GET",
      `/experiments/${experimentId}/validation-columns?after=${after}&limit=500000`,
    );
  }

  rungs(experimentId: number): Promise<AshaRungs> {
    return this.request("GET", `/experiments/${experimentId}/rungs`);
  }

  metrics(trialId: number, query: { group?: string; after?: number }): Promise<MetricSeries> {
    const params = new URLSearchParams({ limit: "10000" });
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    return this.request("GET", `/trials/${trialId}/metrics?${params}`);
  }

  logs(trialId: number, query: LogQuery, signal?: AbortSignal): Promise<LogPage> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.size > 0 ? `?${params}` : "";
    return this.request("GET", `/trials/${trialId}/logs${qs}`, undefined, signal);
  }

  /** An experiment's kept checkpoints, in the order they were registered, read page by page. */
  experimentCheckpoints(experimentId: number): Promise<{ checkpoints: CheckpointSchema[] }> {
    return this.checkpoints(`/experiments/${experimentId}/checkpoints`);
  }

  /** A trial's kept checkpoints, in the order they were registered, read page by page. */
  trialCheckpoints(trialId: number): Promise<{ checkpoints: CheckpointSchema[] }> {
    return this.checkpoints(`/trials/${trialId}/checkpoints`);
  }

  private async checkpoints(path: string): Promise<{ checkpoints: CheckpointSchema[] }> {
    const { rows } = await readAllPages(
      (after) =>
        this.requestSized<CheckpointList>("GET", `${path}?after=${after}&limit=${CHECKPOINT_PAGE}`),
      (page) => page.checkpoints,
      CHECKPOINT_PAGE,
    );
    return { checkpoints: rows };
  }

  checkpoint(uuid: string): Promise<CheckpointSchema> {
    return this.request("GET", `/checkpoints/${encodeURIComponent(uuid)}`);
  }

  /** One file of a checkpoint, as a byte stream. */
  async checkpointFile(uuid: string, relativePath: string): Promise<AsyncIterable<Uint8Array>> {
    const encoded = relativePath.split("/").map(encodeURIComponent).join("/");
    const res = await this.send(
      "GET",
      `/checkpoints/${encodeURIComponent(uuid)}/files/${encoded}`,
      undefined,
      undefined,
      { stream: true },
    );
    if (!res.body) throw new CliError(`the master sent no bytes for ${relativePath}`);
    return res.body;
  }

  createUser(body: CreateUserBody): Promise<TokenResponse> {
    return this.request("POST", "/users", body);
  }

  login(username: string, password: string): Promise<TokenResponse> {
    return this.request("POST", "/auth/login", { username, password });
  }

  /** Revokes the token this client calls with. */
  async logout(): Promise<void> {
    await this.request("POST", "/auth/logout", {});
  }

  revokeTokens(username: string): Promise<RevokeResponse> {
    return this.request("POST", `/users/${encodeURIComponent(username)}/revoke_tokens`, {});
  }

  /** Deactivates (`active` false) or activates a user. */
  setUserActive(username: string, active: boolean): Promise<UserActivationResponse> {
    const action = active ? "activate" : "deactivate";
    return this.request("POST", `/users/${encodeURIComponent(username)}/${action}`, {});
  }

  listUsers(): Promise<UserList> {
    return this.request("GET", "/users");
  }

  me(): Promise<UserSchema> {
    return this.request("GET", "/me");
  }

  /** Any call of the API, answered as JSON (null for an empty answer); a failure throws `ApiFailure`. */
  async request<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return (await this.requestSized<T>(method, path, body, signal)).value;
  }

  /** `request`, and the length of the answer's text. */
  private async requestSized<T>(
    method: Method,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<{ value: T; bytes: number }> {
    const res = await this.send(method, path, body, signal);
    const text = await res.text();
    if (text === "") return { value: null as T, bytes: 0 };
    try {
      return { value: JSON.parse(text) as T, bytes: text.length };
    } catch {
      throw new CliError(`the master at ${this.url} sent something that is not JSON for ${path}`);
    }
  }

  /**
   * Sends one request; any answer but 2xx becomes an `ApiFailure`. A read
   * refused because this caller has too many requests open at once (a script
   * running many commands side by side, a compare of hundreds of trials) is
   * asked again once the master's Retry-After has passed.
   */
  private async send(
    method: Method,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
    how: { stream?: boolean } = {},
  ): Promise<FetchedResponse> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sendOnce(method, path, body, signal, how);
      } catch (err) {
        const wait = method === "GET" && attempt < BUSY_ATTEMPTS ? busyWait(err) : null;
        if (wait === null || signal?.aborted) throw err;
        await setTimeout(wait * 1000, undefined, signal ? { signal } : {});
      }
    }
  }

  private async sendOnce(
    method: Method,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
    how: { stream?: boolean } = {},
  ): Promise<FetchedResponse> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let res: FetchedResponse;
    try {
      res = await this.fetchImpl(`${this.url}/api/v1${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
        ...how,
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
        idleTimeoutMs: IDLE_TIMEOUT_MS,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw unreachable(this.url, err);
    }
    if (res.ok) return res;
    const text = await res.text().catch(() => "");
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not an API error body; described below by status
    }
    if (isErrorBody(parsed)) throw this.failure(parsed, res.status, path, res.headers);
    // Not followed: the token would go wherever it points.
    const moved = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null;
    throw new ApiFailure(
      `the master at ${this.url} answered ${res.status} ${res.statusText ?? ""} to ${method} ${path}` +
        (res.status === 404 ? " (is this a pushtune master?)" : "") +
        (moved ? ` (it points to ${moved}: give the master's own URL with --master)` : ""),
      "HTTP",
      res.status,
    );
  }

  private failure(
    body: ErrorBody,
    status: number,
    path: string,
    headers: FetchedResponse["headers"],
  ): ApiFailure {
    const { code, message, details } = body.error;
    if (code === "TOO_MANY_REQUESTS" && isOpenRequestsLimit(details)) {
      const failure = new ApiFailure(message, code, status);
      failure.retryAfterSeconds = Number(headers.get("retry-after")) || 1;
      return failure;
    }
    if (code === "INVALID_CONFIG") {
      const errors = configErrors(details);
      const lines = errors.length > 0 ? formatConfigErrors(errors) : message;
      return new ApiFailure(
        `the master refused the experiment config:\n${indent(lines)}`,
        code,
        status,
        2,
      );
    }
    const refused =
      code === "UNAUTHENTICATED" || code === "TOKEN_EXPIRED" || code === "TOKEN_REVOKED";
    if (refused && path !== "/auth/login") {
      const text = this.token
        ? `the master at ${this.url} refused the token (${message}).\n${capitalized(LOGIN_ADVICE)}.`
        : `the master at ${this.url} needs a token.\n${capitalized(this.noTokenAdvice)}.`;
      return new ApiFailure(text, code, status);
    }
    return new ApiFailure(message, code, status);
  }
}

/** Tries of a read the master refuses as one of too many open at once: some 30 s in all. */
const BUSY_ATTEMPTS = 30;

/**
 * A request whose connection stays silent this long fails (a master that
 * accepted it and hangs): five minutes, as long as an answer or a chunk of a
 * checkpoint file could take on a master that is slow but alive.
 */
const IDLE_TIMEOUT_MS = 300_000;

/** A master that takes longer to accept a connection is taken for unreachable (undici's default). */
const CONNECT_TIMEOUT_MS = 10_000;

/** Seconds to wait before asking again, if `err` is such a refusal; else null. */
function busyWait(err: unknown): number | null {
  return err instanceof ApiFailure && err.retryAfterSeconds !== undefined
    ? Math.min(err.retryAfterSeconds, 5)
    : null;
}
