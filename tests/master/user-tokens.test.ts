/**
 * User tokens expire after the master's token lifetime, a logout revokes the
 * token it is made with, and an admin can revoke all of a user's tokens.
 * The master's clock is a fake one, moved by hand.
 */
import { afterEach, describe, expect, test } from "vitest";
import { type Client, startTestMaster, type TestMaster } from "./support/harness.js";

const DAY = 86_400_000;
let tm: TestMaster | null = null;
let clock = new Date("2030-01-01T00:00:00Z").getTime();

afterEach(async () => {
  await tm?.close();
  tm = null;
});

async function start(tokenTtlMs?: number): Promise<TestMaster> {
  clock = new Date("2030-01-01T00:00:00Z").getTime();
  tm = await startTestMaster({
    master: { now: () => new Date(clock), ...(tokenTtlMs === undefined ? {} : { tokenTtlMs }) },
  });
  return tm;
}

async function userWithPassword(m: TestMaster, username: string): Promise<string> {
  const res = await m.admin.post<{ token: string }>("/users", {
    username,
    password: "correct-horse",
  });
  expect(res.status).toBe(201);
  return res.body.token;
}

async function login(m: TestMaster, username: string, password = "correct-horse") {
  return m.as(null).post<{ token: string; expiresAt: string }>("/auth/login", {
    username,
    password,
  });
}

const status = async (c: Client) => (await c.get("/me")).status;

describe("token expiry", () => {
  test("a login's token works for 30 days, then gets 401 TOKEN_EXPIRED", async () => {
    const m = await start();
    await userWithPassword(m, "alice");
    const res = await login(m, "alice");
    expect(res.body.expiresAt).toBe(new Date(clock + 30 * DAY).toISOString());
    const alice = m.as(res.body.token);
    clock += 30 * DAY - 1000;
    expect(await status(alice)).toBe(200);
    clock += 1000;
    const late = await alice.get("/me");
    expect(late.status).toBe(401);
    expect(late.body).toMatchObject({ error: { code: "TOKEN_EXPIRED" } });
  });

  test("the token lifetime is the master's to choose", async () => {
    const m = await start(3600_000);
    const created = m.as(await userWithPassword(m, "bob"));
    clock += 3600_000;
    expect((await created.get("/me")).body).toMatchObject({ error: { code: "TOKEN_EXPIRED" } });
    // A new login gives a new token with a new hour.
    const again = m.as((await login(m, "bob")).body.token);
    expect(await status(again)).toBe(200);
  });
});

describe("revoking tokens", () => {
  test("a logout revokes the token it is made with, and only that one", async () => {
    const m = await start();
    await userWithPassword(m, "carol");
    const first = m.as((await login(m, "carol")).body.token);
    const second = m.as((await login(m, "carol")).body.token);
    expect((await first.post("/auth/logout")).status).toBe(204);
    const after = await first.get("/me");
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ error: { code: "TOKEN_REVOKED" } });
    expect(await status(second)).toBe(200);
  });

  test("an admin revokes every token of a user; the user logs in again", async () => {
    const m = await start();
    const created = m.as(await userWithPassword(m, "dave"));
    const loggedIn = m.as((await login(m, "dave")).body.token);
    const res = await m.admin.post("/users/dave/revoke_tokens");
    expect(res).toMatchObject({ status: 200, body: { revoked: 2 } });
    expect(await status(created)).toBe(401);
    expect(await status(loggedIn)).toBe(401);
    expect(await status(m.as((await login(m, "dave")).body.token))).toBe(200);
  });

  test("only an admin revokes another user's tokens, and only of a user who exists", async () => {
    const m = await start();
    const erin = m.as(await userWithPassword(m, "erin"));
    await userWithPassword(m, "frank");
    const refused = await erin.post("/users/frank/revoke_tokens");
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: "FORBIDDEN" } });
    const unknown = await m.admin.post("/users/nobody/revoke_tokens");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: "USER_NOT_FOUND" } });
  });

  test("a trial's token cannot log out or revoke", async () => {
    const m = await start();
    const trialToken = `${"a".repeat(8)}.secret`;
    expect((await m.as(trialToken).post("/auth/logout")).status).toBe(401);
  });
});

describe("ended tokens", () => {
  test("a token ended 30 days ago is forgotten at the next login: 401 UNAUTHENTICATED", async () => {
    const m = await start();
    await userWithPassword(m, "gina");
    const expiring = m.as((await login(m, "gina")).body.token);
    const revoked = m.as((await login(m, "gina")).body.token);
    expect((await revoked.post("/auth/logout")).status).toBe(204);
    clock += 30 * DAY + 1000; // the first login's token has just expired; the logout is older
    expect((await expiring.get("/me")).body).toMatchObject({ error: { code: "TOKEN_EXPIRED" } });
    expect((await revoked.get("/me")).body).toMatchObject({ error: { code: "TOKEN_REVOKED" } });
    // A login now forgets the token revoked over 30 days ago, not the one that has just expired.
    const fresh = m.as((await login(m, "gina")).body.token);
    expect((await revoked.get("/me")).body).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
    expect((await expiring.get("/me")).body).toMatchObject({ error: { code: "TOKEN_EXPIRED" } });
    clock += 30 * DAY;
    await login(m, "gina");
    expect((await expiring.get("/me")).body).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
    // Tokens that never end (the first admin token) and live ones stay.
    expect(await status(m.admin)).toBe(200);
    expect((await fresh.get("/me")).body).toMatchObject({ error: { code: "TOKEN_EXPIRED" } });
  });
});
