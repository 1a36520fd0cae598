/**
 * The UI's only way to the master: the public REST API, typed by the shapes
 * in src/protocol. The token lives in sessionStorage, so it lasts as long as
 * the tab and no longer.
 */
import type { AshaRungs, ValidationColumns } from "../protocol/api/charts.js";
import {
  CHECKPOINT_PAGE,
  EXPERIMENT_PAGE,
  readAllPages,
  TRIAL_PAGE,
} from "../protocol/api/paging.js";
import type { ResourcePoolList } from "../protocol/api/resource-pools.js";
import type {
  CheckpointList,
  CheckpointSchema,
  ExperimentDetail,
  ExperimentList,
  LogPage,
  MetricSeries,
  TokenResponse,
  TrialDetail,
  TrialList,
  UserActivationResponse,
  UserList,
  UserSchema,
} from "../protocol/api/resources.js";

const TOKEN_KEY = "pushtune.token";

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Set when the token came from a password sign-in: this tab owns it, so signing out revokes it. */
const OWN_TOKEN_KEY = "pushtune.token.own";

/** `own`: the token was issued to this tab by a password sign-in (a pasted one is someone's to keep). */
export function storeToken(token: string | null, own = false): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  if (token && own) sessionStorage.setItem(OWN_TOKEN_KEY, "1");
  else sessionStorage.removeItem(OWN_TOKEN_KEY);
}

/** Forgets the token; one this tab got from a password sign-in is revoked on the master too. */
export async function signOut(): Promise<void> {
  const token = storedToken();
  const own = sessionStorage.getItem(OWN_TOKEN_KEY) === "1";
  storeToken(null);
  if (token && own) await call("POST", "/auth/logout", { body: {}, token }).catch(() => undefined);
}

/** An error answer of the API: its HTTP status and stable code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The error's `details`, e.g. every error of an invalid config. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const unauthorizedListeners = new Set<(err: ApiError) => void>();

/** Called when the master refuses the token (401): the UI goes back to sign-in, saying why. */
export function onUnauthorized(fn: (err: ApiError) => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

type CallOptions = { body?: unknown; signal?: AbortSignal; token?: string | null };

async function call<T>(
  method: "GET" | "POST",
  path: string,
  options: CallOptions = {},
): Promise<T> {
  const res = await answer(method, path, options);
  return (res.status === 204 ? null : await res.json()) as T;
}

/** `call`'s answer as JSON, and the length of its text. */
async function callSized<T>(
  path: string,
  signal?: AbortSignal,
): Promise<{ value: T; bytes: number }> {
  const text = await (await answer("GET", path, { signal })).text();
  return { value: JSON.parse(text) as T, bytes: text.length };
}

/** The master's answer; any but 2xx is thrown as an `ApiError`. */
async function answer(
  method: "GET" | "POST",
  path: string,
  options: CallOptions,
): Promise<Response> {
  const token = options.token === undefined ? storedToken() : options.token;
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`api/v1${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    ...(options.signal ? { signal: options.signal } : {}),
  }).catch((err: unknown) => {
    if (options.signal?.aborted) throw err;
    // The browser's own words ("Failed to fetch") do not say whose fault it is.
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`Cannot reach the master (${why}): it may be restarting or stopped.`);
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as ErrorBody;
    const err = new ApiError(
      res.status,
      body.error?.code ?? "HTTP_ERROR",
      body.error?.message ?? `${res.status} ${res.statusText}`,
      body.error?.details,
    );
    // The session's token only: not one being tried at sign-in, nor one signed out meanwhile.
    if (res.status === 401 && token && token === storedToken())
      for (const fn of unauthorizedListeners) fn(err);
    throw err;
  }
  return res;
}

/**
 * What to tell someone the master refused (401): a token or password that is
 * wrong says no more than that; one revoked, expired, or of a deactivated
 * user says which (the master tells only the holder of the right password).
 */
export function refusalNote(err: ApiError): string {
  return err.code === "UNAUTHENTICATED" ? "Wrong username, password or token." : err.message;
}

const query = (params: Record<string, string | number | undefined>) => {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== "");
  return entries.length
    ? `?${entries.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join("&")}`
    : "";
};

export type ExperimentAction = "pause" | "activate" | "cancel" | "kill";

/** Every page of a list of checkpoints at `path`. */
async function checkpointPages(
  path: string,
  params: { includeDeleted?: "true" },
  signal?: AbortSignal,
): Promise<{ checkpoints: CheckpointSchema[]; bytes: number }> {
  const { rows, bytes } = await readAllPages(
    (after) =>
      callSized<CheckpointList>(
        `${path}${query({ ...params, after, limit: CHECKPOINT_PAGE })}`,
        signal,
      ),
    (page) => page.checkpoints,
    CHECKPOINT_PAGE,
  );
  return { checkpoints: rows, bytes };
}

export const api = {
  login: (username: string, password: string) =>
    call<TokenResponse>("POST", "/auth/login", { body: { username, password }, token: null }),
  me: (token?: string) => call<UserSchema>("GET", "/me", token ? { token } : {}),
  /** Experiments in `state` (all when omitted) in id order, read page by page, and the size of the pages read. */
  experiments: async (state?: string, signal?: AbortSignal) => {
    const { rows, bytes } = await readAllPages(
      (after) =>
        callSized<ExperimentList>(
          `/experiments${query({ state, after, limit: EXPERIMENT_PAGE })}`,
          signal,
        ),
      (page) => page.experiments,
      EXPERIMENT_PAGE,
    );
    return { experiments: rows, bytes };
  },
  experiment: (id: number, signal?: AbortSignal) =>
    call<ExperimentDetail>("GET", `/experiments/${id}`, { signal }),
  act: (id: number, action: ExperimentAction) =>
    call<ExperimentDetail>("POST", `/experiments/${id}/${action}`, { body: {} }),
  /** Every trial of an experiment in id order, read page by page, and the size of the pages read. */
  trials: async (experimentId: number, signal?: AbortSignal) => {
    const { rows, bytes } = await readAllPages(
      (after) =>
        callSized<TrialList>(
          `/experiments/${experimentId}/trials${query({ after, limit: TRIAL_PAGE })}`,
          signal,
        ),
      (page) => page.trials,
      TRIAL_PAGE,
    );
    return { trials: rows, bytes };
  },
  validationColumns: (experimentId: number, after: number, signal?: AbortSignal) =>
    call<ValidationColumns>(
      "GET",
      `/experiments/${experimentId}/validation-columns${query({ after, limit: 500_000 })}`,
      { signal },
    ),
  rungs: (experimentId: number, signal?: AbortSignal) =>
    call<AshaRungs>("GET", `/experiments/${experimentId}/rungs`, { signal }),
  trial: (id: number, signal?: AbortSignal) =>
    call<TrialDetail>("GET", `/trials/${id}`, { signal }),
  metrics: (trialId: number, after: number, signal?: AbortSignal) =>
    call<MetricSeries>("GET", `/trials/${trialId}/metrics${query({ after, limit: 10_000 })}`, {
      signal,
    }),
  logs: (
    trialId: number,
    params: { after?: number; tail?: number; limit?: number; waitSeconds?: number },
    signal?: AbortSignal,
  ) => call<LogPage>("GET", `/trials/${trialId}/logs${query(params)}`, { signal }),
  /** A trial's kept checkpoints, read page by page, and the size of the pages read. */
  checkpoints: (trialId: number, signal?: AbortSignal) =>
    checkpointPages(`/trials/${trialId}/checkpoints`, {}, signal),
  users: (signal?: AbortSignal) => call<UserList>("GET", "/users", { signal }),
  /** Deactivates (`active` false) or activates a user (admins only). */
  setUserActive: (username: string, active: boolean) =>
    call<UserActivationResponse>(
      "POST",
      `/users/${encodeURIComponent(username)}/${active ? "activate" : "deactivate"}`,
      { body: {} },
    ),
  resourcePools: (signal?: AbortSignal) =>
    call<ResourcePoolList>("GET", "/resource-pools", { signal }),
  /** Every checkpoint of an experiment, deleted ones too, read page by page, and the size of the pages read. */
  experimentCheckpoints: (experimentId: number, signal?: AbortSignal) =>
    checkpointPages(`/experiments/${experimentId}/checkpoints`, { includeDeleted: "true" }, signal),
  fork: (experimentId: number, configYaml: string) =>
    call<ExperimentDetail>("POST", `/experiments/${experimentId}/fork`, { body: { configYaml } }),
  continueTrial: (trialId: number, length: number) =>
    call<ExperimentDetail>("POST", `/trials/${trialId}/continue`, { body: { length } }),
};
