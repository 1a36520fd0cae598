/** What each resource pool holds now, as `GET /resource-pools` shows it. */
import type { ResourcePoolView } from "../../protocol/api/resource-pools.js";
import { ExperimentStateSchema } from "../../protocol/api/resources.js";
import { isTerminal } from "../domain/index.js";
import type { MasterContext } from "./context.js";

/** Experiments that may still hold or want slots. */
const NOT_OVER = ExperimentStateSchema.anyOf
  .map((literal) => literal.const)
  .filter((state) => !isTerminal(state));

export async function resourcePoolViews(ctx: MasterContext): Promise<ResourcePoolView[]> {
  const live = await ctx.store.listLiveAllocations();
  const experiments = await ctx.store.listExperiments({ states: NOT_OVER });
  return ctx.pools.all.map((pool) => {
    const held = live
      .filter((a) => a.resourcePool === pool.name)
      .sort((a, b) => a.trialId - b.trialId);
    return {
      name: pool.name,
      launcher: pool.kind,
      default: pool === ctx.pools.default,
      slotType: pool.slotType,
      slotsTotal: pool.launcher.totalSlots,
      slotsUsed: held.reduce((n, a) => n + a.slots, 0),
      experiments: experiments
        .filter((e) => ctx.poolNameOf(e) === pool.name)
        .map((e) => ({ id: e.id, name: e.name, state: e.state })),
      trials: held.map((a) => ({
        trialId: a.trialId,
        experimentId: a.experimentId,
        allocationId: a.id,
        state: a.state,
        slots: a.slots,
      })),
    };
  });
}
