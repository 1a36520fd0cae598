/**
 * Failed logins are throttled per user name and per client address: past the
 * limit a login gets 429 TOO_MANY_REQUESTS with Retry-After, right password
 * or not, until the window ends. The master's clock is a fake one.
 */
import { afterEach, describe, expect, test } from "vitest";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster | null = null;
let clock = 0;
afterEach(async () => {
  await tm?.close();
  tm = null;
});

async function start(): Promise<TestMaster> {
  clock = new Date("2030-01-01T00:00:00Z").getTime();
  tm = await startTestMaster({ master: { now: () => new Date(clock) } });
  await tm.admin.post("/users", { username: "alice", password: "correct-horse" });
  return tm;
}

async function login(m: TestMaster, username: string, password: string, address = "10.0.0.1") {
  const res = await m.app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    remoteAddress: address,
    payload: { username, password },
  });
  return { status: res.statusCode, retryAfter: res.headers["retry-after"], body: res.json() };
}

describe("login throttling", () => {
  test("after 5 wrong passwords for a name, its logins get 429 with Retry-After until the window ends", async () => {
    const m = await start();
    for (let i = 0; i < 5; i++) expect((await login(m, "alice", "wrong-guess")).status).toBe(401);
    const refused = await login(m, "alice", "correct-horse");
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: "TOO_MANY_REQUESTS" } });
    expect(refused.retryAfter).toBe("300");
    // From another address too: the name is what is being guessed.
    expect((await login(m, "alice", "correct-horse", "10.0.0.2")).status).toBe(429);
    clock += 299_000;
    expect((await login(m, "alice", "correct-horse")).retryAfter).toBe("1");
    clock += 1000;
    expect((await login(m, "alice", "correct-horse")).status).toBe(200);
  });

  test("after 20 wrong passwords from one address, it may not log in as anyone for a while", async () => {
    const m = await start();
    for (let i = 0; i < 20; i++)
      expect((await login(m, `guess${i}`, "wrong-guess")).status).toBe(401);
    const refused = await login(m, "alice", "correct-horse");
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await login(m, "alice", "correct-horse", "10.0.0.9")).status).toBe(200);
  });

  test("successful logins are never throttled, and one forgets the name's earlier failures", async () => {
    const m = await start();
    for (let i = 0; i < 30; i++)
      expect((await login(m, "alice", "correct-horse", `10.1.0.${i}`)).status).toBe(200);
    for (let i = 0; i < 4; i++) await login(m, "alice", "wrong-guess", `10.2.0.${i}`);
    expect((await login(m, "alice", "correct-horse", "10.3.0.1")).status).toBe(200);
    for (let i = 0; i < 4; i++) await login(m, "alice", "wrong-guess", `10.4.0.${i}`);
    expect((await login(m, "alice", "correct-horse", "10.3.0.1")).status).toBe(200);
  });

  test("wrong passwords sent at the same time count against each other: past the limit they get 429", async () => {
    const m = await start();
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => login(m, "alice", "wrong-guess")),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
  });

  test("right passwords from one address are never throttled, however many", async () => {
    const m = await start();
    for (let i = 0; i < 25; i++)
      expect((await login(m, "alice", "correct-horse")).status).toBe(200);
  });
});
