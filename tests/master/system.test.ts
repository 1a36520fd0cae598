/** Health, OpenAPI, users and tokens, and the cost of many long polls. */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, trial } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

describe("the master's own endpoints", () => {
  test("/health needs no token; everything else does", async () => {
    tm = await startTestMaster();
    expect((await tm.as(null).get("/health")).status).toBe(200);
    expect((await tm.as(null).get("/experiments")).status).toBe(401);
    expect((await tm.as(null).get("/openapi.json")).status).toBe(401);
  });

  test("the OpenAPI document lists every push call with its schemas", async () => {
    tm = await startTestMaster();
    const doc = await tm.admin.get<{
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    }>("/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    for (const path of [
      "/api/v1/trials/{id}/searcher/operation",
      "/api/v1/trials/{id}/searcher/completed_operation",
      "/api/v1/trials/{id}/early_exit",
      "/api/v1/trials/{id}/progress",
      "/api/v1/trials/{id}/metrics",
      "/api/v1/checkpoints",
      "/api/v1/experiments/{id}/searcher/best_searcher_validation_metric",
      "/api/v1/allocations/{id}/signals/preemption",
      "/api/v1/allocations/{id}/signals/ack_preemption",
      "/api/v1/experiments",
      "/api/v1/searcher/preview",
    ]) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
    const metrics = doc.body.paths["/api/v1/trials/{id}/metrics"]!.post as { requestBody: unknown };
    expect(JSON.stringify(metrics.requestBody)).toContain("stepsCompleted");
  });

  test("the admin token is written on first start, readable by its owner only, and only its hash is stored", async () => {
    tm = await startTestMaster();
    const info = await stat(join(tm.dataDir, "admin.token"));
    expect(info.mode & 0o777).toBe(0o600);
    expect(tm.adminToken.length).toBeGreaterThanOrEqual(32);
    const me = await tm.admin.get<{ username: string; admin: boolean }>("/me");
    expect(me.body).toEqual({ id: 1, username: "admin", admin: true, active: true });
  });

  test("an admin creates a user who logs in with a password and gets a token of their own", async () => {
    tm = await startTestMaster();
    const created = await tm.admin.post<{ token: string }>("/users", {
      username: "ada",
      password: "correct horse",
    });
    expect(created.status).toBe(201);
    expect((await tm.as(created.body.token).get<{ username: string }>("/me")).body.username).toBe(
      "ada",
    );
    const login = await tm
      .as(null)
      .post<{ token: string }>("/auth/login", { username: "ada", password: "correct horse" });
    expect(login.status).toBe(200);
    expect(login.body.token).not.toBe(created.body.token);
    expect(
      (await tm.as(null).post("/auth/login", { username: "ada", password: "wrong horse" })).status,
    ).toBe(401);
    // Only an admin creates users.
    expect((await tm.as(login.body.token).post("/users", { username: "bob" })).status).toBe(403);
    expect((await tm.admin.post("/users", { username: "ada" })).status).toBe(409);
  });

  test("a thousand parked long polls are woken by the change, and cost no polling", async () => {
    // One allocation's thousand polls: more than one caller may have open by default.
    tm = await startTestMaster({ slots: 2, server: { maxOpenRequests: 2000 } });
    const id = (
      await tm.admin.post<{ id: number }>("/experiments", { config: ashaConfig(), workdir: "/tmp" })
    ).body.id;
    await tm.settle();
    const t = trial(tm, running(tm)[0]!.trialId);
    const polls = Array.from({ length: 1000 }, () => t.preempted(60));
    for (let i = 0; i < 100 && tm.master.ctx.notifier.size < 1000; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(tm.master.ctx.notifier.size).toBe(1000);
    // Parked polls do no work while they wait: none reads its allocation again until woken.
    // (Counted, not timed: the CPU of a test process on a loaded machine says little.)
    const { store } = tm.master.ctx;
    const read = store.getAllocation.bind(store);
    let reads = 0;
    store.getAllocation = (allocationId) => {
      reads++;
      return read(allocationId);
    };
    await new Promise((r) => setTimeout(r, 300));
    expect(reads).toBe(0);
    await tm.admin.post(`/experiments/${id}/pause`);
    expect((await Promise.all(polls)).every(Boolean)).toBe(true);
    expect(tm.master.ctx.notifier.size).toBe(0);
  });
});
