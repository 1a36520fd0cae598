/**
 * The first admin token (`<data-dir>/admin.token`) is a first-login secret:
 * once an admin logs in with a password it is revoked and its file removed,
 * so a trial running as the master's OS user finds nothing to read. Until
 * then it is the only way in as an admin, so nothing else revokes it: a
 * logout with it, or a revoke of the admin's tokens, left no one able to act
 * as an admin, for good (a restarted master makes no new one).
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

  test("is not revoked by a logout with it, nor by a revoke of its user's tokens", async () => {
    const { m, file } = await start();
    const logout = await m.admin.post<{ error: { code: string; message: string } }>("/auth/logout");
    expect(logout.status).toBe(409);
    expect(logout.body.error.code).toBe("INVALID_TRANSITION");
    expect(logout.body.error.message).toBe(
      `this is the master's first admin token (in ${file}): it is revoked when an admin logs in with a password`,
    );
    const revoke = await m.admin.post<{ error: { code: string; message: string } }>(
      "/users/admin/revoke_tokens",
    );
    expect(revoke.status).toBe(409);
    expect(revoke.body.error.message).toBe(
      `user admin holds the master's first admin token (in ${file}): it is revoked when an admin logs in with a password`,
    );
    expect((await m.admin.get("/me")).status).toBe(200);
    expect(await exists(file)).toBe(true);

    // Once an admin has logged in with a password, the user's tokens are revoked as any are.
    await m.admin.post("/users", { username: "root", password: "correct-horse", admin: true });
    const root = await m.as(null).post<{ token: string }>("/auth/login", {
      username: "root",
      password: "correct-horse",
    });
    expect((await m.as(root.body.token).post("/users/admin/revoke_tokens")).status).toBe(200);
    expect((await m.as(root.body.token).post("/auth/logout")).status).toBe(204);
  });
});
