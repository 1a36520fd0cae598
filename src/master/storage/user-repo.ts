/** Users and their API tokens. */
import type { Selectable } from "kysely";
import { type Db, fromBool, toBool, toDate, toDateOrNull } from "./codec.js";
import type { Dialect, UsersTable } from "./schema.js";
import type { UserActivation, UserRow, UserTokenRow } from "./store.js";

function toUser(row: Selectable<UsersTable>): UserRow {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    admin: toBool(row.admin),
    createdAt: toDate(row.created_at),
    deactivatedAt: toDateOrNull(row.deactivated_at),
  };
}

export async function createUser(
  db: Db,
  now: number,
  input: { username: string; passwordHash: string | null; admin: boolean },
): Promise<UserRow> {
  const row = await db
    .insertInto("users")
    .values({
      username: input.username,
      password_hash: input.passwordHash,
      admin: fromBool(input.admin),
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toUser(row);
}

export async function getUserByName(db: Db, username: string): Promise<UserRow | null> {
  const row = await db
    .selectFrom("users")
    .selectAll()
    .where("username", "=", username)
    .executeTakeFirst();
  return row ? toUser(row) : null;
}

/** Every user, in the order they were created. */
export async function listUsers(db: Db): Promise<UserRow[]> {
  const rows = await db.selectFrom("users").selectAll().orderBy("id").execute();
  return rows.map(toUser);
}

export async function getUser(db: Db, id: number): Promise<UserRow | null> {
  const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toUser(row) : null;
}

/**
 * How long a token's row outlives its expiry or revocation: long enough for
 * its holder to be told TOKEN_EXPIRED or TOKEN_REVOKED rather than that the
 * token is unknown, not forever (one row a login would pile up).
 */
export const ENDED_TOKEN_KEPT_MS = 30 * 86_400_000;

/**
 * Adds a token for an active user, and forgets those ended more than
 * ENDED_TOKEN_KEPT_MS ago; false, storing nothing, when the user does not
 * exist or is deactivated. The insert reads the user's row with a share lock
 * (PostgreSQL): a deactivation under way is waited for and then refuses the
 * token, and one that comes after revokes it, so no token of a deactivated
 * user comes back to life when the user is activated again.
 */
export async function addUserToken(
  db: Db,
  dialect: Dialect,
  now: number,
  userId: number,
  tokenHash: string,
  expiresAt: Date | null,
): Promise<boolean> {
  const user = db
    .selectFrom("users")
    .select((eb) => [
      eb.val(tokenHash).as("token_hash"),
      "id as user_id",
      eb.val(now).as("created_at"),
      eb.val(expiresAt ? expiresAt.getTime() : null).as("expires_at"),
      eb.val(null).as("revoked_at"),
    ])
    .where("id", "=", userId)
    .where("deactivated_at", "is", null);
  const added = await db
    .insertInto("user_tokens")
    .columns(["token_hash", "user_id", "created_at", "expires_at", "revoked_at"])
    .expression(dialect === "postgres" ? user.forShare() : user)
    .executeTakeFirst();
  if (Number(added.numInsertedOrUpdatedRows ?? 0) === 0) return false;
  const endedBefore = now - ENDED_TOKEN_KEPT_MS;
  await db
    .deleteFrom("user_tokens")
    .where((eb) => eb.or([eb("expires_at", "<", endedBefore), eb("revoked_at", "<", endedBefore)]))
    .execute();
  return true;
}

export async function findUserToken(db: Db, tokenHash: string): Promise<UserTokenRow | null> {
  const row = await db
    .selectFrom("user_tokens")
    .innerJoin("users", "users.id", "user_tokens.user_id")
    .selectAll("users")
    .select(["user_tokens.expires_at", "user_tokens.revoked_at"])
    .where("user_tokens.token_hash", "=", tokenHash)
    .executeTakeFirst();
  if (!row) return null;
  const { expires_at, revoked_at, ...user } = row;
  return {
    user: toUser(user),
    expiresAt: toDateOrNull(expires_at),
    revokedAt: toDateOrNull(revoked_at),
  };
}

/** Revokes one token or all of a user's that are not revoked yet; returns how many. */
export async function revokeUserTokens(
  db: Db,
  now: number,
  which: { tokenHash: string } | { userId: number },
): Promise<number> {
  const result = await db
    .updateTable("user_tokens")
    .set({ revoked_at: now })
    .where((eb) =>
      "tokenHash" in which
        ? eb("token_hash", "=", which.tokenHash)
        : eb("user_id", "=", which.userId),
    )
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Deactivates or activates a user: one transaction. Deactivating stamps
 * `deactivated_at` (an earlier stamp is kept) and then revokes every token of
 * the user, so that activating them again brings no old token back; it
 * changes nothing and answers "last-active-admin" when no other active admin
 * would be left. On PostgreSQL the active admins' rows are locked first, so
 * two admins deactivating each other at once cannot both succeed (the second
 * waits, then counts again); the user's row is written before the tokens, so
 * a token being added waits for it (see `addUserToken`). SQLite runs one
 * transaction at a time.
 */
export async function setUserActive(
  db: Db,
  dialect: Dialect,
  now: number,
  userId: number,
  active: boolean,
): Promise<UserActivation> {
  if (!active) {
    const admins = db
      .selectFrom("users")
      .select("id")
      .where("admin", "=", fromBool(true))
      .where("deactivated_at", "is", null);
    const ids = (await (dialect === "postgres" ? admins.forUpdate() : admins).execute()).map(
      (r) => r.id,
    );
    if (ids.length === 1 && ids[0] === userId) return { outcome: "last-active-admin" };
  }
  const row = await db
    .updateTable("users")
    .set({ deactivated_at: active ? null : now })
    .where("id", "=", userId)
    .where("deactivated_at", active ? "is not" : "is", null)
    .returningAll()
    .executeTakeFirst();
  const user = row ? toUser(row) : await getUser(db, userId);
  if (!user) return { outcome: "no-user" };
  if (!active) await revokeUserTokens(db, now, { userId });
  return { outcome: "done", user, changed: !!row };
}
