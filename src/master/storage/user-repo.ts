/** Users and their API tokens. */
import type { Selectable } from "kysely";
import { type Db, fromBool, toBool, toDate, toDateOrNull } from "./codec.js";
import type { UsersTable } from "./schema.js";
import type { UserRow, UserTokenRow } from "./store.js";

function toUser(row: Selectable<UsersTable>): UserRow {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    admin: toBool(row.admin),
    createdAt: toDate(row.created_at),
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

/** Adds a token, and forgets those ended more than ENDED_TOKEN_KEPT_MS ago. */
export async function addUserToken(
  db: Db,
  now: number,
  userId: number,
  tokenHash: string,
  expiresAt: Date | null,
): Promise<void> {
  await db
    .insertInto("user_tokens")
    .values({
      token_hash: tokenHash,
      user_id: userId,
      created_at: now,
      expires_at: expiresAt ? expiresAt.getTime() : null,
      revoked_at: null,
    })
    .execute();
  const endedBefore = now - ENDED_TOKEN_KEPT_MS;
  await db
    .deleteFrom("user_tokens")
    .where((eb) => eb.or([eb("expires_at", "<", endedBefore), eb("revoked_at", "<", endedBefore)]))
    .execute();
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
