/** Where an experiment's checkpoints live on `shared_fs`, and their removal. */
import { rm } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
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
    if (!/^[A-Za-z0-9-]+$/.test(uuid)) continue; // never let a stored id walk out of the root
    await rm(join(root, uuid), { recursive: true, force: true });
  }
}
