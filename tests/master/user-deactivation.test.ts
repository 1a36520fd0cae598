/**
 * An admin deactivates a user: their tokens and logins are refused at once,
 * no token is issued for them, and their experiments go on. Activating lets
 * them log in again; their old tokens stay dead.
 */
import { afterEach, describe, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { trial } from "./support/trial.js";

const PASSWORD = "correct-horse";
let tm: TestMaster | null = null;

afterEach(async () => {
  await tm?.close();
  tm = null;
});

async function start(): Promise<TestMaster> {
  tm = await startTestMaster();
  return tm;
}

/** Creates a user with a password; their first token. */
async function newUser(m: TestMaster, username: string, admin = false): Promise<string> {
  const res = await m.admin.post<{ token: string }>("/users", {
    username,
    password: PASSWORD,
    admin,
  });
  expect(res.status).toBe(201);
  return res.body.token;
}

const login = (m: TestMaster, username: string, password = PASSWORD) =>
  m.as(null).post<{ token: string }>("/auth/login", { username, password });

describe("deactivating a user", () => {
  test("every token of a deactivated user is refused at once, naming why", async () => {
    const m = await start();
    const first = m.as(await newUser(m, "alice"));
    const second = m.as((await login(m, "alice")).body.token);
    const res = await m.admin.post("/users/alice/deactivate");
    expect(res).toMatchObject({
      status: 200,
      body: { user: { username: "alice", active: false }, changed: true },
    });
    for (const c of [first, second]) {
      const refused = await c.get("/me");
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ error: { code: "USER_DEACTIVATED" } });
      expect((refused.body as { error: { message: string } }).error.message).toContain(
        "alice is deactivated",
      );
    }
  });

  test("a deactivated user's right password is told so; a wrong one hears what anyone does", async () => {
    const m = await start();
    await newUser(m, "bob");
    await m.admin.post("/users/bob/deactivate");
    const right = await login(m, "bob");
    expect(right.status).toBe(401);
    expect(right.body).toMatchObject({ error: { code: "USER_DEACTIVATED" } });
    const answer = async (username: string) => {
      const res = await m.as(null).post<{ error: { requestId?: string } }>("/auth/login", {
        username,
        password: "not-the-password",
      });
      const { requestId: _, ...error } = res.body.error;
      return { status: res.status, error };
    };
    const wrong = await answer("bob");
    expect(wrong).toEqual(await answer("nobody-at-all"));
    expect(wrong).toEqual({
      status: 401,
      error: { code: "UNAUTHENTICATED", message: "wrong user name or password" },
    });
  });

  test("no token is stored for a deactivated user", async () => {
    const m = await start();
    await newUser(m, "bea");
    const bea = await m.store.getUserByName("bea");
    await m.admin.post("/users/bea/deactivate");
    expect(await m.store.addUserToken(bea!.id, "a-hash-of-a-token", null)).toBe(false);
    expect(await m.store.findUserToken("a-hash-of-a-token")).toBeNull();
  });

  test("activating lets the user log in again, and the old tokens stay dead", async () => {
    const m = await start();
    const old = m.as(await newUser(m, "carol"));
    await m.admin.post("/users/carol/deactivate");
    const res = await m.admin.post("/users/carol/activate");
    expect(res).toMatchObject({
      status: 200,
      body: { user: { username: "carol", active: true }, changed: true },
    });
    const stale = await old.get("/me");
    expect(stale.body).toMatchObject({ error: { code: "TOKEN_REVOKED" } });
    const fresh = await login(m, "carol");
    expect(fresh.status).toBe(200);
    const me = await m.as(fresh.body.token).get("/me");
    expect(me).toMatchObject({ status: 200, body: { username: "carol", active: true } });
  });

  test("deactivating and activating are idempotent", async () => {
    const m = await start();
    await newUser(m, "dave");
    expect((await m.admin.post("/users/dave/activate")).body).toMatchObject({ changed: false });
    await m.admin.post("/users/dave/deactivate");
    const stamped = (await m.store.getUserByName("dave"))?.deactivatedAt;
    const again = await m.admin.post("/users/dave/deactivate");
    expect(again).toMatchObject({ status: 200, body: { changed: false, user: { active: false } } });
    expect((await m.store.getUserByName("dave"))?.deactivatedAt).toEqual(stamped);
  });

  test("only an admin deactivates or activates, and only a user who exists", async () => {
    const m = await start();
    const erin = m.as(await newUser(m, "erin"));
    await newUser(m, "frank");
    for (const action of ["deactivate", "activate"]) {
      const refused = await erin.post(`/users/frank/${action}`);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: { code: "FORBIDDEN" } });
      const unknown = await m.admin.post(`/users/nobody/${action}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ error: { code: "USER_NOT_FOUND" } });
    }
  });

  test("an admin cannot deactivate themselves", async () => {
    const m = await start();
    const root = m.as(await newUser(m, "root", true));
    const res = await root.post("/users/root/deactivate");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { message: expect.stringContaining("themselves") } });
    expect((await root.get("/me")).status).toBe(200);
  });

  test("a deactivated user's running trial keeps pushing, and an admin still manages it", async () => {
    const m = await start();
    const gina = m.as(await newUser(m, "gina"));
    const id = await createExperiment(m, ashaConfig({}, { max_trials: 1 }), gina);
    await m.settle();
    const [t] = await m.store.listTrials({ experimentId: id });
    const running = trial(m, t!.id);
    expect((await m.admin.post("/users/gina/deactivate")).status).toBe(200);
    expect((await running.metrics("training", 10, { loss: 1 })).status).toBe(200);
    expect((await running.api.post(`/trials/${t!.id}/progress`, { progress: 10 })).status).toBe(
      200,
    );
    expect((await running.op()).op).not.toBeNull();
    expect((await gina.post(`/experiments/${id}/pause`)).status).toBe(401);
    expect((await m.admin.post(`/experiments/${id}/pause`)).status).toBe(200);
  });
});

describe("the list of users", () => {
  test("every user sees every user, oldest first, with whether each is an admin and active", async () => {
    const m = await start();
    const bob = m.as(await newUser(m, "bob"));
    await newUser(m, "alice", true);
    await newUser(m, "carol");
    expect((await m.admin.post("/users/carol/deactivate")).status).toBe(200);
    const res = await bob.get<{ users: unknown[] }>("/users");
    expect(res.status).toBe(200);
    expect(res.body.users).toEqual([
      { id: expect.any(Number), username: "admin", admin: true, active: true },
      { id: expect.any(Number), username: "bob", admin: false, active: true },
      { id: expect.any(Number), username: "alice", admin: true, active: true },
      { id: expect.any(Number), username: "carol", admin: false, active: false },
    ]);
  });
});
