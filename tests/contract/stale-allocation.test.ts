/**
 * A superseded allocation: a trial's first run crashes at step 20 and its
 * second run finishes the trial. The first run's process started again (its
 * PUSHTUNE_* environment, its allocation's token) is a zombie: every call it
 * makes, a long poll or a write, is refused with 409 STALE_ALLOCATION, its
 * SDK stops its training at once and it fails, and the database holds
 * exactly what it held before.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { restartedOnce, restartedOnceRows } from "./support/restarted-once.js";
import { contractRows } from "./support/rows.js";
import { runToCompletion, SCENARIO_TIMEOUT_MS, sharedCluster } from "./support/scenario.js";
import { SDKS, type Sdk } from "./support/sdks.js";

const cluster = sharedCluster();
const envDirs: string[] = [];
afterAll(async () => {
  for (const dir of envDirs) await rm(dir, { recursive: true, force: true });
});

/**
 * A step of the zombie takes this long: its first report (step 5) is due after
 * 1.5 s, ample time for the master to refuse its first call.
 */
const ZOMBIE_STEP_MS = 300;

/** Runs the trial as a process of the test; resolves with its exit code and output. */
function runTrial(sdk: Sdk, env: Record<string, string>) {
  const [file, ...args] = sdk.command;
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    execFile(file, args, { env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? null) : 0;
      resolve({ code: typeof code === "number" ? code : null, output: stdout + stderr });
    });
  });
}

describe.concurrent.each(SDKS)("%s trial", (_, sdk) => {
  test(
    "a superseded allocation is refused with STALE_ALLOCATION, its SDK stops training at once and nothing it sends is stored",
    async () => {
      const c = cluster();
      const envDir = await mkdtemp(join(tmpdir(), "pushtune-contract-"));
      envDirs.push(envDir);
      const id = await runToCompletion(c, sdk, {
        ...restartedOnce,
        variables: { CONTRACT_ENV_DIR: envDir },
      });
      expect(await contractRows(c, id)).toEqual(restartedOnceRows);

      const firstRun = JSON.parse(await readFile(join(envDir, "run-1.json"), "utf8"));
      const zombieEnv = { PATH: process.env.PATH ?? "", ...sdk.variables, ...firstRun };
      const zombie = await runTrial(sdk, {
        ...zombieEnv,
        CONTRACT_STEP_MS: String(ZOMBIE_STEP_MS),
      });
      expect(zombie.code, zombie.output).not.toBe(0);
      const stopped = /stopped at step (\d+): STALE_ALLOCATION 409/.exec(zombie.output);
      expect(stopped, zombie.output).not.toBeNull();
      // Stopped by the first refusal, before its first report was due (let alone its
      // first checkpoint at 10, which would stop it anyway).
      expect(Number(stopped![1])).toBeLessThan(5);
      expect(await contractRows(c, id)).toEqual(restartedOnceRows);

      // A zombie whose first call is a write (an early exit, for hyperparameters that
      // cannot work) has it refused the same way, and the trial's end reason stays.
      const writer = await runTrial(sdk, {
        ...zombieEnv,
        PUSHTUNE_HPARAMS: JSON.stringify({ scale: 0 }),
      });
      expect(writer.code, writer.output).not.toBe(0);
      expect(writer.output).toContain("stopped at step 0: STALE_ALLOCATION 409");
      expect(await contractRows(c, id)).toEqual(restartedOnceRows);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
