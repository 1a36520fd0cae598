/** Experiments for CLI tests, made over the API, and trials played to the end with checkpoints. */
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ashaConfig, syntheticLoss } from "../../master/support/configs.js";
import type { TestMaster } from "../../master/support/harness.js";
import { TrialPlayer } from "../../master/support/trial-player.js";

/** A 3-rung async_halving search (300, 900 batches… see ashaConfig) created over the API; its id. */
export async function createExperiment(
  tm: TestMaster,
  searcher: Record<string, unknown> = {},
  overrides: Record<string, unknown> = {},
): Promise<number> {
  const res = await tm.admin.post<{ id: number }>("/experiments", {
    config: ashaConfig(overrides, searcher),
    workdir: tm.dataDir,
  });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
  await tm.settle();
  return res.body.id;
}

/** The files every test checkpoint holds, by relative path. */
export const CHECKPOINT_FILES: Record<string, string> = {
  "model.bin": "weights for a very small model\n",
  "nested/state.json": '{"optimizer":"adam"}\n',
};

/**
 * Writes a checkpoint's files under the master's checkpoint directory and
 * registers it over the push API with the running trial's token.
 */
export async function pushCheckpoint(
  tm: TestMaster,
  spec: { trialId: number; env: Record<string, string | undefined> },
  stepsCompleted: number,
): Promise<string> {
  const uuid = randomUUID();
  const dir = join(tm.dataDir, "checkpoints", uuid);
  const resources: Record<string, number> = {};
  for (const [rel, text] of Object.entries(CHECKPOINT_FILES)) {
    await mkdir(join(dir, rel, ".."), { recursive: true });
    await writeFile(join(dir, rel), text);
    resources[rel] = Buffer.byteLength(text);
  }
  const res = await tm.as(spec.env.PUSHTUNE_TOKEN!).post("/checkpoints", {
    uuid,
    trialId: spec.trialId,
    stepsCompleted,
    resources,
    metadata: { framework: "test" },
  });
  if (res.status !== 200) throw new Error(`checkpoint: ${res.status} ${JSON.stringify(res.body)}`);
  return uuid;
}

/**
 * Plays every trial to the end with the synthetic loss; each trial saves a
 * checkpoint at every length it completes, as a Trainer would.
 */
export async function playWithCheckpoints(
  tm: TestMaster,
  experimentId: number,
  options: { pauseMs?: number } = {},
): Promise<string> {
  const player = new TrialPlayer(tm, syntheticLoss);
  const saved = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    for (const spec of tm.launcher.live.values()) {
      const trial = await tm.store.getTrial(spec.trialId);
      const key = `${spec.trialId}:${trial?.lengthTrained}`;
      if (trial && trial.lengthTrained > 0 && !saved.has(key)) {
        saved.add(key);
        await pushCheckpoint(tm, spec, trial.lengthTrained);
      }
    }
    const state = await player.state(experimentId);
    if (["COMPLETED", "CANCELED", "ERROR"].includes(state)) return state;
    if (!(await player.advance())) return player.state(experimentId);
    if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
  }
  throw new Error(`experiment ${experimentId} did not end`);
}
