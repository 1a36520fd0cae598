/**
 * Who is calling: a user (by a user token) or one allocation of one trial (by
 * the token issued for that allocation). Allocation tokens are fencing tokens:
 * they write only for their own trial and only while their allocation is the
 * trial's current one.
 */
import { ApiError } from "../../protocol/api/errors.js";
import { ownsOrAdmin } from "../../protocol/api/ownership.js";
import type { AllocationRow, Store, UserRow } from "../storage/store.js";
import { allocationIdOf, hashToken, sameHash } from "./tokens.js";

export type Principal =
  | { kind: "user"; user: UserRow; tokenHash: string }
  | { kind: "allocation"; allocation: AllocationRow };

/**
 * Resolves a bearer token, or throws UNAUTHENTICATED. An ended allocation's
 * token is STALE_ALLOCATION unless `allowEnded` (the one call that may
 * repeat after the allocation ended: asking for the next trial). A token of a
 * deactivated user is USER_DEACTIVATED (whatever else is true of it: its holder
 * learns why logging in again will not help), a user token revoked is
 * TOKEN_REVOKED, one past its expiry at `now` TOKEN_EXPIRED.
 */
export async function authenticate(
  store: Store,
  token: string | undefined,
  options: { allowEnded?: boolean; now: Date },
): Promise<Principal> {
  if (!token)
    throw new ApiError("UNAUTHENTICATED", "missing bearer token (Authorization: Bearer <token>)");
  const hash = hashToken(token);
  const allocationId = allocationIdOf(token);
  if (allocationId) {
    const allocation = await store.getAllocation(allocationId);
    if (!allocation || !sameHash(allocation.tokenHash, hash)) {
      throw new ApiError("UNAUTHENTICATED", "invalid token");
    }
    // An allocation ends before its trial gets another, so an ended one has been superseded.
    if (allocation.state === "TERMINATED" && !options.allowEnded) {
      throw new ApiError(
        "STALE_ALLOCATION",
        `allocation ${allocation.id} of trial ${allocation.trialId} has ended`,
        { allocationId: allocation.id },
      );
    }
    return { kind: "allocation", allocation };
  }
  const found = await store.findUserToken(hash);
  if (!found) throw new ApiError("UNAUTHENTICATED", "invalid token");
  if (found.user.deactivatedAt) throw deactivated(found.user.username);
  if (found.revokedAt)
    throw new ApiError("TOKEN_REVOKED", "this token was revoked; log in again for a new one");
  if (found.expiresAt && found.expiresAt.getTime() <= options.now.getTime())
    throw new ApiError(
      "TOKEN_EXPIRED",
      `this token expired at ${found.expiresAt.toISOString()}; log in again for a new one`,
    );
  return { kind: "user", user: found.user, tokenHash: hash };
}

/** The refusal of anything done as `username` while an admin has deactivated them. */
export function deactivated(username: string): ApiError {
  return new ApiError(
    "USER_DEACTIVATED",
    `user ${username} is deactivated: an admin can activate them again (pushtune user activate ${username})`,
  );
}

/**
 * A push that writes for `trialId`: only that trial's current allocation may
 * make it. Another trial's token is FORBIDDEN; a superseded allocation was
 * already refused by `authenticate` (STALE_ALLOCATION), so a zombie process
 * can never write over its successor.
 */
export function requireTrialWriter(principal: Principal, trialId: number): AllocationRow {
  if (principal.kind !== "allocation") {
    throw new ApiError(
      "FORBIDDEN",
      "push calls take the token of the trial's own allocation, not a user token",
    );
  }
  const a = principal.allocation;
  if (a.trialId !== trialId)
    throw new ApiError(
      "FORBIDDEN",
      `this token belongs to trial ${a.trialId}, not trial ${trialId}`,
    );
  return a;
}

/** A read about `trialId`: any user, or that trial's own allocation. */
export function requireTrialReader(principal: Principal, trialId: number): void {
  if (principal.kind === "allocation" && principal.allocation.trialId !== trialId) {
    throw new ApiError(
      "FORBIDDEN",
      `this token belongs to trial ${principal.allocation.trialId}, not trial ${trialId}`,
    );
  }
}

/** A user-only call. */
export function requireUser(principal: Principal): UserRow {
  if (principal.kind !== "user") throw new ApiError("FORBIDDEN", "this call needs a user token");
  return principal.user;
}

/**
 * A change to an experiment (pause, activate, cancel, kill, delete, …), or
 * driving its custom search: its owner or an admin. Everyone may read every experiment (Determined's
 * default); only changes are the owner's.
 */
export function requireExperimentOwner(
  principal: Principal,
  exp: { id: number; ownerId: number },
  /** What is refused, as in "only its owner or an admin may …". */
  what = "change it",
): UserRow {
  const user = requireUser(principal);
  if (!mayChange(user, exp))
    throw new ApiError(
      "FORBIDDEN",
      `experiment ${exp.id} belongs to another user: only its owner or an admin may ${what}`,
    );
  return user;
}

/** Whether `user` owns `exp` or is an admin: who may change it and see its secrets. */
export function mayChange(user: UserRow, exp: { ownerId: number }): boolean {
  return ownsOrAdmin(user, exp.ownerId);
}
