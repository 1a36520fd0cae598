/**
 * `GET /resource-pools`: the master's resource pools, their slots and what
 * runs in each. The CLI (`pushtune master info`) and the web UI read it.
 */
import { type Static, Type } from "typebox";

export const PoolTrialSchema = Type.Object({
  trialId: Type.Integer(),
  experimentId: Type.Integer(),
  allocationId: Type.String(),
  /** The allocation's state: PENDING, STARTING, RUNNING or TERMINATING. */
  state: Type.String(),
  slots: Type.Integer(),
});

export const ResourcePoolSchema = Type.Object({
  name: Type.String(),
  /** What runs its trials: "local" (child processes of the master), "slurm" (sbatch jobs). */
  launcher: Type.String(),
  /** Where experiments that name no pool run. */
  default: Type.Boolean(),
  /**
   * False for a pool that experiments name but this master's config does not
   * have (it was removed or renamed): their trials wait, with no slots, until
   * a master with that pool runs. Its launcher is then "none".
   */
  configured: Type.Boolean(),
  slotType: Type.Union([Type.Literal("cpu"), Type.Literal("gpu")]),
  slotsTotal: Type.Integer(),
  /** Slots held by the pool's live allocations. */
  slotsUsed: Type.Integer(),
  /** Experiments of the pool that are not over, by id. */
  experiments: Type.Array(
    Type.Object({ id: Type.Integer(), name: Type.String(), state: Type.String() }),
  ),
  /** The trials holding slots of the pool now, by trial id. */
  trials: Type.Array(PoolTrialSchema),
});
export type ResourcePoolView = Static<typeof ResourcePoolSchema>;

export const ResourcePoolList = Type.Object({ resourcePools: Type.Array(ResourcePoolSchema) });
export type ResourcePoolList = Static<typeof ResourcePoolList>;
