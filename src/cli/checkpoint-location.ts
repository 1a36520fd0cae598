/**
 * Where a checkpoint's files are on this machine, when the CLI can tell: under
 * an absolute `checkpoint_storage.host_path`, or, for a master on this
 * machine, under its data directory. Otherwise only the uuid is known and the
 * files come over HTTP (`pushtune checkpoint download`).
 */
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { compareCheckpoints } from "../protocol/api/checkpoint-order.js";
import type { CheckpointSchema } from "../protocol/api/resources.js";
import type { ExperimentConfig } from "../protocol/config/types.js";
import { isLocalMaster } from "./connection.js";
import { absoluteCheckpointDir } from "./experiment-config.js";
import { defaultDataDir } from "./paths.js";

type Env = Readonly<Record<string, string | undefined>>;

export async function localCheckpointPath(
  uuid: string,
  config: ExperimentConfig | null,
  masterUrl: string,
  env: Env,
): Promise<string | null> {
  const absolute = absoluteCheckpointDir(config);
  if (absolute) return join(absolute, uuid);
  if (!isLocalMaster(masterUrl)) return null;
  const root = join(defaultDataDir(env), "checkpoints");
  const dir = resolve(root, config?.checkpoint_storage.host_path ?? "", uuid);
  const info = await stat(dir).catch(() => null);
  return info?.isDirectory() ? dir : null;
}

/** The checkpoint to point a person at: the best-scoring one still stored, else the newest. */
export function pickCheckpoint(
  checkpoints: readonly CheckpointSchema[],
  smallerIsBetter: boolean,
): CheckpointSchema | null {
  const stored = checkpoints.filter((c) => c.state === "ACTIVE");
  return [...stored].sort((a, b) => compareCheckpoints(a, b, smallerIsBetter))[0] ?? null;
}

export { compareCheckpoints };
