/**
 * At start: the staging folders (src/protocol/checkpoint-layout.ts) that
 * runs left behind before this master, when it was not there to see them end
 * (a master killed between reading an end and removing the folder, runs a
 * master before this one read as lost and kept). Every checkpoint storage
 * an experiment uses is looked at, a page of experiments at a time, each
 * page a task of the supervisor's queue so that exits and passes go on
 * meanwhile.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { STAGING_DIR } from "../../protocol/checkpoint-layout.js";
import { checkpointDir, registered, removeStaging } from "./checkpoint-files.js";
import type { MasterContext } from "./context.js";

const PAGE = 50;

/** Queues the sweep on `enqueue` (the supervisor's queue). */
export function sweepStaging(
  ctx: MasterContext,
  enqueue: (task: () => Promise<void>) => void,
): void {
  const roots = new Set([ctx.options.checkpointRoot]);
  const page = async (after: number): Promise<void> => {
    const experiments = await ctx.store.listExperiments({ after, limit: PAGE });
    for (const exp of experiments) roots.add(checkpointDir(ctx, exp.config));
    const last = experiments.at(-1);
    if (experiments.length === PAGE && last) enqueue(() => page(last.id));
    else for (const root of roots) enqueue(() => sweepRoot(ctx, root));
  };
  enqueue(() => page(0));
}

/**
 * Removes the staging folders under `root` of the runs that are over: those
 * the store no longer has (a deleted experiment's) and those it has ended,
 * unless their process may still write there (one that outlived its
 * allocation, one of a pool this master does not have).
 */
async function sweepRoot(ctx: MasterContext, root: string): Promise<void> {
  const names = await readdir(join(root, STAGING_DIR)).catch(() => [] as string[]);
  for (const name of names) {
    const a = await ctx.store.getAllocation(name);
    if (a && (a.state !== "TERMINATED" || a.lingering || !ctx.launcherOf(a))) continue;
    await removeStaging(root, name, (uuid) => registered(ctx, uuid));
  }
}
