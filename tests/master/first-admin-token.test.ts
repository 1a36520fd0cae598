/**
 * The first admin token (`<data-dir>/admin.token`) is a first-login secret:
 * once an admin logs in with a password it is revoked and its file removed,
 * so a trial running as the master's OS user finds nothing to read.
 */
import { access } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster | null = null;
afterEach(async () => {
  await tm?.close();
  tm = null;
});

async function start(): Promise<{ m: TestMaster; file: string }> {
  tm = await startTestMaster({
    master: (dataDir) => ({ adminTokenFile: join(dataDir, "admin.token") }),
  });
  return { m: tm, file: join(tm.dataDir, "admin.token") };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe("the first admin token", () => {
  test("is revoked and its file removed when an admin logs in with a password", async () => {
    const { m, file } = await start();
    expect(await exists(file)).toBe(true);
    await m.admin.post("/users", { username: "root", password: "correct-horse", admin: true });
    const login = await m.as(null).post<{ token: string }>("/auth/login", {
      username: "root",
      password: "correct-horse",
    });
    expect(login.status).toBe(200);
    expect(await exists(file)).toBe(false);
    const old = await m.admin.get("/me");
    expect(old.status).toBe(401);
    expect(old.body).toMatchObject({ error: { code: "TOKEN_REVOKED" } });
    expect((await m.as(login.body.token).get("/me")).status).toBe(200);
  });

  test("stays while only non-admin users log in", async () => {
    const { m, file } = await start();
    await m.admin.post("/users", { username: "user1", password: "correct-horse" });
    expect(
      (await m.as(null).post("/auth/login", { username: "user1", password: "correct-horse" }))
        .status,
    ).toBe(200);
    expect(await exists(file)).toBe(true);
    expect((await m.admin.get("/me")).status).toBe(200);
  });
});
