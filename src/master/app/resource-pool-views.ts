/** What each resource pool holds now, as `GET /resource-pools` shows it. */
import type { ResourcePoolView } from "../../protocol/api/resource-pools.js";
import { NOT_ENDED_STATES } from "../../protocol/api/run-states.js";
import type { MasterContext } from "./context.js";
import { slotsOf } from "./scheduling-state.js";

export async function resourcePoolViews(ctx: MasterContext): Promise<ResourcePoolView[]> {
  const live = await ctx.store.listLiveAllocations();
  const experiments = await ctx.store.listExperimentSummaries({ states: [...NOT_ENDED_STATES] });
  const configured = ctx.pools.all.map((pool) => {
    const held = live
      .filter((a) => a.resourcePool === pool.name)
      .sort((a, b) => a.trialId - b.trialId);
    return {
      name: pool.name,
      launcher: pool.kind,
      default: pool === ctx.pools.default,
      configured: true,
      slotType: pool.slotType,
      slotsTotal: pool.launcher.totalSlots,
      slotsUsed: slotsOf(held),
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
  // Pools only experiments name: their trials cannot run here, and nothing else would say so.
  const missing = new Map<string, ResourcePoolView["experiments"]>();
  for (const e of experiments) {
    const name = ctx.poolNameOf(e);
    if (ctx.pools.get(name)) continue;
    missing.set(name, [...(missing.get(name) ?? []), { id: e.id, name: e.name, state: e.state }]);
  }
  return [
    ...configured,
    ...[...missing].map(([name, waiting]) => ({
      name,
      launcher: "none",
      default: false,
      configured: false,
      slotType: "cpu" as const,
      slotsTotal: 0,
      slotsUsed: 0,
      experiments: waiting,
      trials: [],
    })),
  ];
}

/** A line for each pool that experiments name and this master lacks: what waits there, and why. */
export async function missingPoolWarnings(ctx: MasterContext): Promise<string[]> {
  return (await resourcePoolViews(ctx))
    .filter((p) => !p.configured)
    .map(
      (p) =>
        `resource pool "${p.name}" is not in this master's config; the trials of experiment${p.experiments.length === 1 ? "" : "s"} ` +
        `${p.experiments.map((e) => e.id).join(", ")} wait until a master with that pool runs`,
    );
}
