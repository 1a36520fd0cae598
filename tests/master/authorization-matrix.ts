/**
 * Every route of the API against every kind of caller, with the status each
 * must get. The route list comes from the master's own OpenAPI document: a
 * new route without a row here fails the first test.
 *
 * Callers: no token, a garbage token, an expired and a revoked user token,
 * a token of a deactivated user, another (non-admin) user, the experiment's owner (non-admin), an admin,
 * the trial's own current allocation, another experiment's trial, and the
 * trial's superseded (stale) allocation. A cell runs in a fresh scene unless
 * the call before it was a GET or refused (401, 403), so a call that changes
 * state changes nothing another cell sees.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hashToken, newSecret } from "../../src/master/app/tokens.js";
import {
  CALLERS,
  type Caller,
  HIDDEN,
  PASSWORD,
  ROWS,
  type Scene,
  type Statuses,
} from "./authorization-table.js";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { runningOne } from "./support/trial.js";

let tm: TestMaster;
let ownerId: number;
let otherId: number;
let adminId: number;
let expiredToken: string;
let revokedToken: string;
let deactivatedToken: string;
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
  const k = ++n;
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
  const spareUsername = `spare${k}`;
  expect((await tm.admin.post("/users", { username: spareUsername })).status).toBe(201);
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
  const uuid = `00000000-0000-4000-8000-${String(k).padStart(12, "0")}`;
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
      spareUsername,
    },
    tokens: {
      none: null,
      garbage: "not-a-token",
      expired: expiredToken,
      revoked: revokedToken,
      deactivated: deactivatedToken,
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
    // A deactivated admin: its token is refused everywhere, admin-only calls included.
    const gone = await newUser("gone", true);
    deactivatedToken = await mint(gone);
    expect((await tm.admin.post("/users/gone/deactivate")).status).toBe(200);
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
        // A GET changes nothing, so its callers share one scene. Any other call gets a fresh
        // scene unless the call before it was refused as unauthenticated or forbidden (401,
        // 403), which the master answers before it touches anything.
        const changesNothing = (status: number) =>
          route.startsWith("GET ") || status === 401 || status === 403;
        let cell: Awaited<ReturnType<typeof scene>> | null = null;
        for (const caller of CALLERS) {
          cell ??= await scene();
          const status = (await row.call(tm.as(cell.tokens[caller]), cell.scene)).status;
          seen[caller] = status;
          if (!changesNothing(status)) {
            await cell.cleanUp();
            cell = null;
          }
        }
        await cell?.cleanUp();
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
