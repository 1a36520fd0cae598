/**
 * The last active admin cannot be deactivated. An admin calling is active, so
 * only two admins deactivating each other at once can reach it: one of them
 * must win and the other be refused, on either store.
 */
import { afterEach, beforeEach, expect, test } from "vitest";
import { startTestMaster, type TestMaster } from "./support/harness.js";

export function lastActiveAdmin(db: "sqlite" | "postgres"): void {
  let tm: TestMaster;
  beforeEach(async () => {
    tm = await startTestMaster({ db });
  });
  afterEach(async () => tm.close());

  const admin = async (username: string) => {
    const res = await tm.admin.post<{ token: string }>("/users", { username, admin: true });
    expect(res.status).toBe(201);
    return tm.as(res.body.token);
  };

  test(`two admins deactivating each other at once leave one of them active (${db})`, async () => {
    const [root, ops] = [await admin("root"), await admin("ops")];
    expect((await root.post("/users/admin/deactivate")).status).toBe(200);
    const answers = await Promise.all([
      root.post("/users/ops/deactivate"),
      ops.post("/users/root/deactivate"),
    ]);
    const statuses = answers.map((a) => a.status).sort();
    // The loser is refused as the last active admin, or, deactivated first, by its token.
    expect([
      [200, 401],
      [200, 409],
    ]).toContainEqual(statuses);
    const refused = answers.find((a) => a.status === 409);
    if (refused)
      expect(refused.body).toMatchObject({
        error: {
          code: "INVALID_TRANSITION",
          message: expect.stringContaining("last active admin"),
        },
      });
    const active = await Promise.all(
      ["root", "ops"].map(async (u) => (await tm.store.getUserByName(u))?.deactivatedAt === null),
    );
    expect(active.filter(Boolean)).toHaveLength(1);
  });

  test(`the store refuses to deactivate the only active admin (${db})`, async () => {
    const solo = await admin("solo");
    expect((await solo.post("/users/admin/deactivate")).status).toBe(200);
    const row = (await tm.store.getUserByName("solo"))!;
    expect(await tm.store.setUserActive(row.id, false)).toEqual({
      outcome: "last-active-admin",
    });
    expect((await solo.get("/me")).status).toBe(200);
  });
}
