/**
 * Every route of the API against every kind of caller, with the status each
 * must get. The route list comes from the master's own OpenAPI document: a
 * new route without a row here fails the first test.
 *
 * Callers: no token, a garbage token, an expired and a revoked user token,
 * another (non-admin) user, the experiment's owner (non-admin), an admin,
 * the trial's own current allocation, another experiment's trial, and the
 * trial's superseded (stale) allocation. Each cell runs in a fresh scene, so
 * a call that changes state changes nothing another cell sees.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hashToken, newSecret } from "../../src/master/app/tokens.js";
import { ashaConfig } from "./support/configs.js";
import { type Client, startTestMaster, type TestMaster } from "./support/harness.js";
import { runningOne } from "./support/trial.js";

const CALLERS = [
  "none",
  "garbage",
  "expired",
  "revoked",
  "otherUser",
  "owner",
  "admin",
  "ownTrial",
  "otherTrial",
  "stale",
] as const;
type Caller = (typeof CALLERS)[number];
type Statuses = Record<Caller, number>;

interface Scene {
  experimentId: number;
  /** An ended experiment of the owner, for calls that need one (delete). */
  endedExperimentId: number;
  trialId: number;
  allocationId: string;
  runId: number;
  checkpointUuid: string;
  otherUsername: string;
}

interface Row {
  call: (c: Client, s: Scene) => Promise<{ status: number }>;
  expect: Statuses;
}

/** Shorthands for the usual patterns; each row still lists its ten statuses. */
const s = (
  none: number,
  garbage: number,
  expired: number,
  revoked: number,
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
  otherUser,
  owner,
  admin,
  ownTrial,
  otherTrial,
  stale,
});

/** Any user may call it; a trial's token may not. */
const userRead = s(401, 401, 401, 401, 200, 200, 200, 403, 403, 409);
/** Only the experiment's owner or an admin. */
const ownerOnly = s(401, 401, 401, 401, 403, 200, 200, 403, 403, 409);
/** Any user, or the trial's own allocation. */
const trialRead = s(401, 401, 401, 401, 200, 200, 200, 200, 403, 409);
/** Only the trial's own current allocation. */
const trialWrite = s(401, 401, 401, 401, 403, 403, 403, 200, 403, 409);
/** Only an admin. */
const adminOnly = s(401, 401, 401, 401, 403, 403, 200, 403, 403, 409);
/** Any valid token, a user's or a current allocation's. */
const anyToken = s(401, 401, 401, 401, 200, 200, 200, 200, 200, 409);
/** No token needed: every caller gets the same answer. */
const open = s(200, 200, 200, 200, 200, 200, 200, 200, 200, 200);

const PASSWORD = "correct-horse";

/** By `METHOD /path` as the OpenAPI document spells it, under /api/v1. */
const ROWS: Record<string, Row> = {
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
  "GET /me": { call: (c) => c.get("/me"), expect: userRead },
  "POST /experiments": {
    call: (c) => c.post("/experiments", { config: ashaConfig(), workdir: "/tmp" }),
    expect: { ...userRead, otherUser: 201, owner: 201, admin: 201 },
  },
  "GET /experiments": { call: (c) => c.get("/experiments"), expect: userRead },
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
        uuid: `${x.checkpointUuid}-2`,
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
  "GET /allocations/{id}/signals/preemption": {
    call: (c, x) => c.get(`/allocations/${x.allocationId}/signals/preemption?timeoutSeconds=0`),
    expect: trialRead,
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
const HIDDEN = ["GET /openapi.json"];

let tm: TestMaster;
let ownerId: number;
let otherId: number;
let adminId: number;
let expiredToken: string;
let revokedToken: string;
let n = 0;

/** A fresh user token, straight into the store (the login route is tested elsewhere). */
async function mint(userId: number, expiresAt: Date | null = null): Promise<string> {
  const token = newSecret();
  await tm.store.addUserToken(userId, hashToken(token), expiresAt);
  return token;
}

async function newUser(username: string, admin = false): Promise<number> {
  const res = await tm.admin.post<{ user: { id: number } }>("/users", {
    username,
    password: PASSWORD,
    admin,
  });
  expect(res.status).toBe(201);
  return res.body.user.id;
}

/** A fresh scene and a fresh token for each caller. */
async function scene(): Promise<{
  scene: Scene;
  tokens: Record<Caller, string | null>;
  cleanUp: () => Promise<void>;
}> {
  const owner = tm.as(await mint(ownerId));
  const create = async () => {
    const res = await owner.post<{ id: number }>("/experiments", {
      config: ashaConfig({}, { max_trials: 3, max_concurrent_trials: 1 }),
      workdir: "/tmp",
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const [a, b, ended] = [await create(), await create(), await create()];
  expect((await owner.post(`/experiments/${ended}/kill`)).status).toBe(200);
  await tm.settle();
  const [target] = await tm.store.listTrials({ experimentId: a });
  const [otherTrial] = await tm.store.listTrials({ experimentId: b });
  // Supersede the target's first allocation: it crashes and is restarted.
  const first = runningOne(tm, target!.id);
  tm.launcher.exit(first.allocationId, { exitCode: 1 });
  await tm.settle();
  const current = runningOne(tm, target!.id);
  const own = tm.as(current.env.PUSHTUNE_TOKEN!);
  const uuid = `ckpt-matrix-${++n}`;
  const stored = await own.post("/checkpoints", {
    uuid,
    trialId: target!.id,
    stepsCompleted: 1,
    resources: { "w.bin": 3 },
    metadata: {},
  });
  expect(stored.status).toBe(200);
  await mkdir(join(tm.dataDir, "checkpoints", uuid), { recursive: true });
  await writeFile(join(tm.dataDir, "checkpoints", uuid, "w.bin"), "abc");
  return {
    scene: {
      experimentId: a,
      endedExperimentId: ended,
      trialId: target!.id,
      allocationId: current.allocationId,
      runId: Number(current.env.PUSHTUNE_TRIAL_RUN_ID),
      checkpointUuid: uuid,
      otherUsername: "other",
    },
    tokens: {
      none: null,
      garbage: "not-a-token",
      expired: expiredToken,
      revoked: revokedToken,
      otherUser: await mint(otherId),
      owner: await mint(ownerId),
      admin: await mint(adminId),
      ownTrial: current.env.PUSHTUNE_TOKEN!,
      otherTrial: runningOne(tm, otherTrial!.id).env.PUSHTUNE_TOKEN!,
      stale: first.env.PUSHTUNE_TOKEN!,
    },
    // Ends the scene's experiments so that scenes do not pile up running trials.
    cleanUp: async () => {
      for (const id of [a, b]) await tm.admin.post(`/experiments/${id}/kill`);
      await tm.settle();
    },
  };
}

/** The matrix on one store; a file per store runs it. */
export function authorizationMatrix(db: "sqlite" | "postgres"): void {
  beforeAll(async () => {
    tm = await startTestMaster({ db, slots: 1000 });
    ownerId = await newUser("owner");
    otherId = await newUser("other");
    adminId = await newUser("root", true);
    expiredToken = await mint(otherId, new Date(Date.now() - 1000));
    revokedToken = await mint(otherId);
    await tm.store.revokeUserToken(hashToken(revokedToken));
  });
  afterAll(async () => tm.close());

  describe(`the authorization matrix on ${db}`, () => {
    test("every route the master serves has a row, and every row is a route", async () => {
      const doc = await tm.admin.get<{ paths: Record<string, Record<string, unknown>> }>(
        "/openapi.json",
      );
      const served = new Set(HIDDEN);
      for (const [path, ops] of Object.entries(doc.body.paths))
        for (const method of Object.keys(ops))
          served.add(`${method.toUpperCase()} ${path.replace(/^\/api\/v1/, "")}`);
      const rows = new Set(Object.keys(ROWS));
      expect(
        [...served].filter((r) => !rows.has(r)),
        "routes without a row",
      ).toEqual([]);
      expect(
        [...rows].filter((r) => !served.has(r)),
        "rows without a route",
      ).toEqual([]);
    });

    for (const [route, row] of Object.entries(ROWS)) {
      test(`${route} answers each caller as its row says`, async () => {
        const seen = {} as Statuses;
        // A GET changes nothing, so its callers share one scene; any other call gets a fresh one each.
        let shared: Awaited<ReturnType<typeof scene>> | null = null;
        for (const caller of CALLERS) {
          if (route.startsWith("GET ") && !shared) shared = await scene();
          const cell: Awaited<ReturnType<typeof scene>> =
            route.startsWith("GET ") && shared ? shared : await scene();
          seen[caller] = (await row.call(tm.as(cell.tokens[caller]), cell.scene)).status;
          if (cell !== shared) await cell.cleanUp();
        }
        await shared?.cleanUp();
        expect(seen).toEqual(row.expect);
      });
    }

    test("a trial cannot push for a sibling trial of the same experiment", async () => {
      const a = await tm.admin.post<{ id: number }>("/experiments", {
        config: ashaConfig(),
        workdir: "/tmp",
      });
      await tm.settle();
      const [t1, t2] = await tm.store.listTrials({ experimentId: a.body.id });
      const res = await tm
        .as(runningOne(tm, t2!.id).env.PUSHTUNE_TOKEN!)
        .post(`/trials/${t1!.id}/progress`, { progress: 3 });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: { code: "FORBIDDEN" } });
    });
  });
}
