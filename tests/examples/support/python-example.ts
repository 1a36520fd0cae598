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
import { parse } from "yaml";
import { type Cluster, trialDetails, waitFor } from "../../e2e/support/cluster.js";
import type { ConfigInput } from "../../e2e/support/configs.js";
import { offCluster } from "./dry-run-output.js";

const ROOT = resolve(import.meta.dirname, "../../..");
export const PYTHON = "/usr/bin/python3";

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
    env: offCluster({ PYTHONPATH: join(ROOT, "python"), ...env }),
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
