import { expect, test } from "vitest";
import { type ConformanceContext, newUser, rejection, unique } from "./context.js";

export function userTests(ctx: ConformanceContext): void {
  test("a created user is found by id and by name with every field intact", async () => {
    const { store } = ctx;
    const before = Date.now();
    const user = await store.createUser({
      username: unique("ada"),
      passwordHash: "00ff:abcdef",
      admin: true,
    });
    expect(user.passwordHash).toBe("00ff:abcdef");
    expect(user.admin).toBe(true);
    expect(user.createdAt).toBeInstanceOf(Date);
    expect(user.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(user.createdAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await store.getUser(user.id)).toEqual(user);
    expect(await store.getUserByName(user.username)).toEqual(user);
  });

  test("a token-only user has a null password hash and is not an admin unless asked", async () => {
    const { store } = ctx;
    const user = await store.createUser({
      username: unique("bot"),
      passwordHash: null,
      admin: false,
    });
    expect(await store.getUser(user.id)).toMatchObject({ passwordHash: null, admin: false });
  });

  test("the users are listed in the order they were created, each as found by id", async () => {
    const { store } = ctx;
    const zed = await store.createUser({
      username: unique("zed"),
      passwordHash: null,
      admin: false,
    });
    const abe = await store.createUser({
      username: unique("abe"),
      passwordHash: null,
      admin: true,
    });
    const listed = await store.listUsers();
    const ids = listed.map((u) => u.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids.indexOf(zed.id)).toBeLessThan(ids.indexOf(abe.id));
    expect(listed.find((u) => u.id === zed.id)).toEqual(await store.getUser(zed.id));
    expect(listed.find((u) => u.id === abe.id)).toEqual(await store.getUser(abe.id));
  });

  test("usernames are unique", async () => {
    const { store } = ctx;
    const username = unique("twin");
    await store.createUser({ username, passwordHash: null, admin: false });
    const error = await rejection(() =>
      store.createUser({ username, passwordHash: null, admin: true }),
    );
    expect(error).toBeInstanceOf(Error);
  });

  test("an unknown user id or name finds nobody", async () => {
    const { store } = ctx;
    expect(await store.getUser(987_654_321)).toBeNull();
    expect(await store.getUserByName(unique("nobody"))).toBeNull();
  });

  test("a token hash finds the user who owns it, and a user may hold several", async () => {
    const { store } = ctx;
    const alice = await store.createUser({
      username: unique("alice"),
      passwordHash: null,
      admin: false,
    });
    const bob = await store.createUser({
      username: unique("bob"),
      passwordHash: null,
      admin: true,
    });
    const [a1, a2, b1] = [unique("a1"), unique("a2"), unique("b1")];
    await store.addUserToken(alice.id, a1, null);
    await store.addUserToken(alice.id, a2, null);
    await store.addUserToken(bob.id, b1, null);
    expect((await store.findUserToken(a1))?.user).toEqual(alice);
    expect((await store.findUserToken(a2))?.user).toEqual(alice);
    expect((await store.findUserToken(b1))?.user).toEqual(bob);
    expect(await store.findUserToken(unique("unknown"))).toBeNull();
  });

  test("a token keeps its expiry, and revoking marks it once", async () => {
    const { store } = ctx;
    const carol = await store.createUser({
      username: unique("carol"),
      passwordHash: null,
      admin: false,
    });
    const [t1, t2, t3] = [unique("t1"), unique("t2"), unique("t3")];
    const expiry = new Date("2031-05-06T07:08:09.000Z");
    await store.addUserToken(carol.id, t1, expiry);
    await store.addUserToken(carol.id, t2, null);
    await store.addUserToken(carol.id, t3, null);
    expect(await store.findUserToken(t1)).toMatchObject({ expiresAt: expiry, revokedAt: null });
    expect(await store.revokeUserToken(t1)).toBe(true);
    expect(await store.revokeUserToken(t1)).toBe(false);
    expect((await store.findUserToken(t1))?.revokedAt).toBeInstanceOf(Date);
    // t1 is revoked already: the others are counted.
    expect(await store.revokeUserTokens(carol.id)).toBe(2);
    expect((await store.findUserToken(t3))?.revokedAt).toBeInstanceOf(Date);
    expect(await store.revokeUserTokens(carol.id)).toBe(0);
  });

  test("a token for an unknown user is refused", async () => {
    const { store } = ctx;
    const hash = unique("t");
    expect(await store.addUserToken(987_654_321, hash, null)).toBe(false);
    expect(await store.findUserToken(hash)).toBeNull();
  });

  test("a deactivated user's tokens are revoked, none is added, and activating brings none back", async () => {
    const { store } = ctx;
    const dora = await store.createUser({
      username: unique("dora"),
      passwordHash: null,
      admin: false,
    });
    expect(dora.deactivatedAt).toBeNull();
    const [t1, t2, t3, t4] = [unique("t1"), unique("t2"), unique("t3"), unique("t4")];
    expect(await store.addUserToken(dora.id, t1, null)).toBe(true);
    await store.addUserToken(dora.id, t2, new Date("2031-01-01T00:00:00.000Z"));
    const done = await store.setUserActive(dora.id, false);
    expect(done).toMatchObject({ outcome: "done", changed: true });
    const stamp = done.outcome === "done" ? done.user.deactivatedAt : null;
    expect(stamp).toBeInstanceOf(Date);
    expect(await store.getUser(dora.id)).toEqual({ ...dora, deactivatedAt: stamp });
    for (const t of [t1, t2]) {
      const found = await store.findUserToken(t);
      expect(found?.revokedAt).toBeInstanceOf(Date);
      expect(found?.user.deactivatedAt).toEqual(stamp);
    }
    expect(await store.addUserToken(dora.id, t3, null)).toBe(false);
    expect(await store.findUserToken(t3)).toBeNull();
    // Again: nothing changes, the first stamp stays.
    expect(await store.setUserActive(dora.id, false)).toEqual({
      outcome: "done",
      changed: false,
      user: { ...dora, deactivatedAt: stamp },
    });
    expect(await store.setUserActive(dora.id, true)).toEqual({
      outcome: "done",
      changed: true,
      user: dora,
    });
    expect(await store.setUserActive(dora.id, true)).toMatchObject({ changed: false });
    expect((await store.findUserToken(t1))?.revokedAt).toBeInstanceOf(Date);
    expect(await store.addUserToken(dora.id, t4, null)).toBe(true);
    expect(await store.findUserToken(t4)).toMatchObject({ user: dora, revokedAt: null });
  });

  test("an admin among other active admins can be deactivated; an unknown user cannot", async () => {
    const { store } = ctx;
    const [a, b] = [await newUser(store, true), await newUser(store, true)];
    expect(await store.setUserActive(a.id, false)).toMatchObject({
      outcome: "done",
      user: { id: a.id, admin: true },
    });
    expect((await store.getUser(b.id))?.deactivatedAt).toBeNull();
    expect(await store.setUserActive(987_654_321, false)).toEqual({ outcome: "no-user" });
    expect(await store.setUserActive(987_654_321, true)).toEqual({ outcome: "no-user" });
  });
}
