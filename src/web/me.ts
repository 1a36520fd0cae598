/**
 * Who is signed in, for the pages that offer changes only their owner or an
 * admin may make: the master refuses the others with 403, so they are not
 * offered. Null while /me has not answered: then everything is offered and
 * the master decides.
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { ownsOrAdmin } from "../protocol/api/ownership.js";
import type { UserSchema } from "../protocol/api/resources.js";

export const MeContext = createContext<UserSchema | null>(null);

export function useMe(): UserSchema | null {
  return useContext(MeContext);
}

/** Whether `me` may change an experiment owned by `owner`, as the master decides it. */
export function mayChange(me: UserSchema | null, owner: { id: number }): boolean {
  return me === null || ownsOrAdmin(me, owner.id);
}
