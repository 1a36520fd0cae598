/**
 * The Python examples as a user runs them: `python3 train.py` in the example's
 * folder (a dry run), and its `experiment.yaml` on a real master. The trials
 * run on Debian's /usr/bin/python3, which has NumPy, scikit-learn and PyTorch
 * (scripts/test-prerequisites.sh installs them), and import the SDK from
 * `python/` of this repository: through PYTHONPATH here, through the config's
 * `environment.variables` on a master.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";
import { parse } from "yaml";
import {
  type Cluster,
  logsOf,
  processesOf,
  trialDetails,
  waitFor,
  waitForEnd,
} from "../../e2e/support/cluster.js";
import type { ConfigInput } from "../../e2e/support/configs.js";
import { expectPlannedRungs } from "../../e2e/support/search-checks.js";
import { PYTHON, PYTHON_DIR } from "../../python/interpreter.js";
import { offCluster } from "./dry-run-output.js";

const ROOT = resolve(import.meta.dirname, "../../..");

export const exampleDir = (name: string) => join(ROOT, "examples", name);

/** The example's experiment.yaml as an object. */
export function exampleConfig(name: string): ConfigInput {
  return parse(readFileSync(join(exampleDir(name), "experiment.yaml"), "utf8")) as ConfigInput;
}

/** `python3 train.py …` in the example's folder with no master; its stdout (stderr on failure). */
export async function dryRun(
  name: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  const { stdout } = await promisify(execFile)(PYTHON, ["train.py", ...args], {
    cwd: exampleDir(name),
    env: offCluster({ PYTHONPATH: PYTHON_DIR, ...env }),
  });
  return stdout;
}

/**
 * Waits until every process that ran the experiment's trials has exited (an
 * experiment ends when its last trial closes, a moment before the processes
 * are done); returns their allocations.
 */
export async function processesEnded(c: Cluster, id: number) {
  return waitFor(
    "the trial processes to exit",
    async () => {
      const allocations = (await trialDetails(c, id)).flatMap((t) => t.allocations);
      return allocations.every((a) => a.endedAt !== null) ? allocations : null;
    },
    30,
  );
}

/**
 * The example's experiment.yaml on `c`, as `pushtune experiment create` runs
 * it (or `config` instead, in the example's folder): every trial completes,
 * the search trains its planned rungs, the best validation loss is far below
 * chance (ln 10 ≈ 2.3), a few processes ran the trials one after another, and
 * each exited 0. Returns the experiment's id.
 */
export async function expectExampleSearch(
  c: Cluster,
  name: string,
  config?: ConfigInput,
): Promise<number> {
  const body = config
    ? { config, workdir: exampleDir(name) }
    : {
        configYaml: readFileSync(join(exampleDir(name), "experiment.yaml"), "utf8"),
        workdir: exampleDir(name),
      };
  const id = (await c.api<{ id: number }>("POST", "/experiments", body)).id;
  const state = await waitForEnd(c, id, 150);
  const trials = await trialDetails(c, id);
  const failed = trials.find((t) => t.state !== "COMPLETED");
  expect(state, failed && (await logsOf(c, failed.id)).join("\n")).toBe("COMPLETED");
  const validations = await expectPlannedRungs(c, id);
  expect(Math.min(...validations.values())).toBeLessThan(0.3);
  expect((await processesOf(c, id)).size).toBeLessThan(trials.length);
  for (const a of await processesEnded(c, id)) expect(a.exitCode, a.exitReason!).toBe(0);
  return id;
}
