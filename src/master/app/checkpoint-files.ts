/** Where an experiment's checkpoints live on `shared_fs`, and their removal. */
import { readdir, rm } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { isPathSegment, PUBLISHED_SUFFIX, STAGING_DIR } from "../../protocol/checkpoint-layout.js";
import type { ExperimentConfig } from "../../protocol/config/types.js";
import type { MasterContext } from "./context.js";

export function checkpointDir(ctx: MasterContext, config: ExperimentConfig): string {
  const p = config.checkpoint_storage.host_path;
  if (!p) return ctx.options.checkpointRoot;
  return isAbsolute(p) ? p : resolve(ctx.options.checkpointRoot, p);
}

/** Deletes checkpoint folders; a folder already gone is not an error. */
export async function removeCheckpointFiles(root: string, uuids: string[]): Promise<void> {
  for (const uuid of uuids) {
    if (!isPathSegment(uuid)) continue; // never let a stored id walk out of the root
    await rm(join(root, uuid), { recursive: true, force: true });
  }
}

/**
 * Removes what allocation `allocationId`'s process left in its staging
 * folder under `config`'s checkpoint storage (`removeStaging`): the
 * checkpoints it registered stay.
 */
export function removeRunStaging(
  ctx: MasterContext,
  config: ExperimentConfig,
  allocationId: string,
): Promise<void> {
  return removeStaging(checkpointDir(ctx, config), allocationId, (uuid) => registered(ctx, uuid));
}

/** Whether the master knows of checkpoint `uuid` (its files are not a run's leftovers). */
export async function registered(ctx: MasterContext, uuid: string): Promise<boolean> {
  return (await ctx.store.getCheckpoint(uuid)) !== null;
}

/**
 * Once allocation `allocationId`'s process has ended: removes the checkpoints
 * it published but never registered, then its staging folder with whatever it
 * was still writing (src/protocol/checkpoint-layout.ts).
 */
export async function removeStaging(
  root: string,
  allocationId: string,
  registered: (uuid: string) => Promise<boolean>,
): Promise<void> {
  if (!isPathSegment(allocationId)) return;
  const staging = join(root, STAGING_DIR, allocationId);
  let names: string[];
  try {
    names = await readdir(staging);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  const unregistered: string[] = [];
  for (const name of names) {
    if (!name.endsWith(PUBLISHED_SUFFIX)) continue;
    const uuid = name.slice(0, -PUBLISHED_SUFFIX.length);
    if (!(await registered(uuid))) unregistered.push(uuid);
  }
  await removeCheckpointFiles(root, unregistered);
  await rm(staging, { recursive: true, force: true });
}
