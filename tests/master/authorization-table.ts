/**
 * The authorization matrix's table: each kind of caller, and for every route
 * of the API the status each caller must get (`authorization-matrix.ts`
 * builds the scenes and runs it).
 */
import { newSecret } from "../../src/master/app/tokens.js";
import { ashaConfig } from "./support/configs.js";
import type { Client } from "./support/harness.js";

export const CALLERS = [
  "none",
  "garbage",
  "expired",
  "revoked",
  "deactivated",
  "otherUser",
  "owner",
  "admin",
  "ownTrial",
  "otherTrial",
  "stale",
] as const;
export type Caller = (typeof CALLERS)[number];
export type Statuses = Record<Caller, number>;

export interface Scene {
  experimentId: number;
  /** An ended experiment of the owner, for calls that need one (delete). */
  endedExperimentId: number;
  trialId: number;
  allocationId: string;
  runId: number;
  checkpointUuid: string;
  otherUsername: string;
  /** A user of this scene alone, for calls that change a user (deactivate). */
  spareUsername: string;
}

export interface Row {
  call: (c: Client, s: Scene) => Promise<{ status: number }>;
  expect: Statuses;
}

/** Shorthands for the usual patterns; each row still lists its eleven statuses. */
const s = (
  none: number,
  garbage: number,
  expired: number,
  revoked: number,
  deactivated: number,
  otherUser: number,
  owner: number,
  admin: number,
  ownTrial: number,
  otherTrial: number,
  stale: number,
): Statuses => ({
  none,
  garbage,
  expired,
  revoked,
  deactivated,
  otherUser,
  owner,
  admin,
  ownTrial,
  otherTrial,
  stale,
});

/** Any user may call it; a trial's token may not. */
const userRead = s(401, 401, 401, 401, 401, 200, 200, 200, 403, 403, 409);
/** Only the experiment's owner or an admin. */
const ownerOnly = s(401, 401, 401, 401, 401, 403, 200, 200, 403, 403, 409);
/** Any user, or the trial's own allocation. */
const trialRead = s(401, 401, 401, 401, 401, 200, 200, 200, 200, 403, 409);
/** Only the trial's own current allocation. */
const trialWrite = s(401, 401, 401, 401, 401, 403, 403, 403, 200, 403, 409);
/** Only an admin. */
const adminOnly = s(401, 401, 401, 401, 401, 403, 403, 200, 403, 403, 409);
/** Any valid token, a user's or a current allocation's. */
const anyToken = s(401, 401, 401, 401, 401, 200, 200, 200, 200, 200, 409);
/** No token needed: every caller gets the same answer. */
const open = s(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200);

export const PASSWORD = "correct-horse";

/** By `METHOD /path` as the OpenAPI document spells it, under /api/v1. */
export const ROWS: Record<string, Row> = {
  "GET /health": { call: (c) => c.get("/health"), expect: open },
  // The API's description is no secret: any valid token reads it.
  "GET /openapi.json": { call: (c) => c.get("/openapi.json"), expect: anyToken },
  "POST /searcher/preview": {
    call: (c) => c.post("/searcher/preview", { config: ashaConfig() }),
    expect: userRead,
  },
  "GET /checkpoints/{uuid}": {
    call: (c, x) => c.get(`/checkpoints/${x.checkpointUuid}`),
    expect: userRead,
  },
  "GET /checkpoints/{uuid}/files/{*}": {
    call: (c, x) => c.get(`/checkpoints/${x.checkpointUuid}/files/w.bin`),
    expect: userRead,
  },
  "POST /users": {
    call: (c) =>
      c.post("/users", {
        username: `u${newSecret()
          .slice(0, 10)
          .replace(/[^A-Za-z0-9]/g, "x")}`,
      }),
    expect: { ...adminOnly, admin: 201 },
  },
  "POST /auth/login": {
    call: (c, x) => c.post("/auth/login", { username: x.otherUsername, password: PASSWORD }),
    expect: open,
  },
  "POST /auth/logout": {
    call: (c) => c.post("/auth/logout"),
    expect: { ...userRead, otherUser: 204, owner: 204, admin: 204 },
  },
  "POST /users/{username}/revoke_tokens": {
    call: (c, x) => c.post(`/users/${x.otherUsername}/revoke_tokens`),
    expect: adminOnly,
  },
  "POST /users/{username}/deactivate": {
    call: (c, x) => c.post(`/users/${x.spareUsername}/deactivate`),
    expect: adminOnly,
  },
  "POST /users/{username}/activate": {
    call: (c, x) => c.post(`/users/${x.spareUsername}/activate`),
    expect: adminOnly,
  },
  "GET /me": { call: (c) => c.get("/me"), expect: userRead },
  "GET /users": { call: (c) => c.get("/users"), expect: userRead },
  "GET /resource-pools": { call: (c) => c.get("/resource-pools"), expect: userRead },
  "POST /experiments": {
    call: (c) => c.post("/experiments", { config: ashaConfig(), workdir: "/tmp" }),
    expect: { ...userRead, otherUser: 201, owner: 201, admin: 201 },
  },
  "GET /experiments": { call: (c) => c.get("/experiments"), expect: userRead },
  "POST /experiments/{id}/fork": {
    call: (c, x) => c.post(`/experiments/${x.experimentId}/fork`, {}),
    expect: { ...userRead, otherUser: 201, owner: 201, admin: 201 },
  },
  // The scene's trial is running: a user passes authorization and hears it has not ended.
  "POST /trials/{id}/continue": {
    call: (c, x) => c.post(`/trials/${x.trialId}/continue`, { length: 10_000 }),
    expect: { ...userRead, otherUser: 409, owner: 409, admin: 409 },
  },
  "GET /experiments/{id}": {
    call: (c, x) => c.get(`/experiments/${x.experimentId}`),
    expect: userRead,
  },
  "DELETE /experiments/{id}": {
    call: (c, x) => c.del(`/experiments/${x.endedExperimentId}`),
    expect: { ...ownerOnly, owner: 204, admin: 204 },
  },
  "POST /experiments/{id}/pause": {
    call: (c, x) => c.post(`/experiments/${x.experimentId}/pause`),
    expect: ownerOnly,
  },
  "POST /experiments/{id}/activate": {
    call: (c, x) => c.post(`/experiments/${x.experimentId}/activate`),
    expect: ownerOnly,
  },
  "POST /experiments/{id}/cancel": {
    call: (c, x) => c.post(`/experiments/${x.experimentId}/cancel`),
    expect: ownerOnly,
  },
  "POST /experiments/{id}/kill": {
    call: (c, x) => c.post(`/experiments/${x.experimentId}/kill`),
    expect: ownerOnly,
  },
  "GET /experiments/{id}/trials": {
    call: (c, x) => c.get(`/experiments/${x.experimentId}/trials`),
    expect: userRead,
  },
  "GET /experiments/{id}/checkpoints": {
    call: (c, x) => c.get(`/experiments/${x.experimentId}/checkpoints`),
    expect: userRead,
  },
  "GET /experiments/{id}/validations": {
    call: (c, x) => c.get(`/experiments/${x.experimentId}/validations`),
    expect: userRead,
  },
  "GET /experiments/{id}/validation-columns": {
    call: (c, x) => c.get(`/experiments/${x.experimentId}/validation-columns`),
    expect: userRead,
  },
  "GET /experiments/{id}/rungs": {
    call: (c, x) => c.get(`/experiments/${x.experimentId}/rungs`),
    expect: userRead,
  },
  "GET /trials/{id}": { call: (c, x) => c.get(`/trials/${x.trialId}`), expect: trialRead },
  "GET /trials/{id}/metrics": {
    call: (c, x) => c.get(`/trials/${x.trialId}/metrics?group=training`),
    expect: trialRead,
  },
  "POST /trials/{id}/metrics": {
    call: (c, x) =>
      c.post(`/trials/${x.trialId}/metrics`, {
        trialRunId: x.runId,
        reports: [{ group: "training", stepsCompleted: 1, metrics: { loss: 1 } }],
      }),
    expect: trialWrite,
  },
  "GET /trials/{id}/logs": {
    call: (c, x) => c.get(`/trials/${x.trialId}/logs`),
    expect: trialRead,
  },
  "POST /trials/{id}/logs": {
    call: (c, x) =>
      c.post(`/trials/${x.trialId}/logs`, { lines: [{ stream: "stdout", line: "hi" }] }),
    expect: trialWrite,
  },
  "GET /trials/{id}/checkpoints": {
    call: (c, x) => c.get(`/trials/${x.trialId}/checkpoints`),
    expect: trialRead,
  },
  "GET /trials/{id}/searcher/operation": {
    call: (c, x) => c.get(`/trials/${x.trialId}/searcher/operation`),
    expect: trialRead,
  },
  "POST /trials/{id}/searcher/completed_operation": {
    call: (c, x) =>
      c.post(`/trials/${x.trialId}/searcher/completed_operation`, {
        op: { length: 100 },
        searcherMetric: 0.5,
      }),
    expect: trialWrite,
  },
  "POST /trials/{id}/early_exit": {
    call: (c, x) => c.post(`/trials/${x.trialId}/early_exit`, { reason: "USER_CANCELED" }),
    expect: trialWrite,
  },
  "POST /trials/{id}/progress": {
    call: (c, x) => c.post(`/trials/${x.trialId}/progress`, { progress: 5 }),
    expect: trialWrite,
  },
  "POST /checkpoints": {
    call: (c, x) =>
      c.post("/checkpoints", {
        // Another uuid than the checkpoint's: its last digit changed.
        uuid: `${x.checkpointUuid.slice(0, -1)}${x.checkpointUuid.endsWith("f") ? "e" : "f"}`,
        trialId: x.trialId,
        stepsCompleted: 2,
        resources: { "w.bin": 3 },
        metadata: {},
      }),
    expect: trialWrite,
  },
  "GET /experiments/{id}/searcher/best_searcher_validation_metric": {
    call: (c, x) =>
      c.get(`/experiments/${x.experimentId}/searcher/best_searcher_validation_metric`),
    expect: trialRead,
  },
  // A custom search process is the owner's: only the owner or an admin reads its events and posts.
  "GET /experiments/{id}/searcher/events": {
    call: (c, x) => c.get(`/experiments/${x.experimentId}/searcher/events?after=0`),
    expect: ownerOnly,
  },
  // The scene's experiment runs ASHA, so a caller allowed to post is told it is not custom.
  "POST /experiments/{id}/searcher/operations": {
    call: (c, x) =>
      c.post(`/experiments/${x.experimentId}/searcher/operations`, {
        lastEventId: 1,
        operations: [{ type: "shutdown" }],
      }),
    expect: { ...ownerOnly, owner: 409, admin: 409 },
  },
  "GET /allocations/{id}/signals/preemption": {
    call: (c, x) => c.get(`/allocations/${x.allocationId}/signals/preemption?timeoutSeconds=0`),
    expect: trialRead,
  },
  "GET /allocations/{id}/environment": {
    call: (c, x) => c.get(`/allocations/${x.allocationId}/environment`),
    expect: trialWrite,
  },
  "POST /allocations/{id}/signals/ack_preemption": {
    call: (c, x) => c.post(`/allocations/${x.allocationId}/signals/ack_preemption`),
    expect: trialWrite,
  },
  "POST /allocations/{id}/next_trial": {
    call: (c, x) => c.post(`/allocations/${x.allocationId}/next_trial`),
    // An ended allocation may still ask for its own next trial, so the superseded one is not
    // refused as stale: it is asking for another allocation's, which is 403.
    expect: { ...trialWrite, stale: 403 },
  },
};

/** Routes the OpenAPI document leaves out on purpose (they still need a row). */
export const HIDDEN = ["GET /openapi.json"];
