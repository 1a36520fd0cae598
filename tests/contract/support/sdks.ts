/**
 * The SDKs the contract suite runs: each has one trial script
 * (`tests/contract/trials/`) that covers every scenario, and what its process
 * needs from the experiment's `environment.variables` (the master passes none
 * of its own environment through beyond PATH, HOME and the locale).
 */
import { join } from "node:path";
import { ROOT } from "../../e2e/support/build.js";
import { PYTHON, PYTHON_DIR } from "../../python/interpreter.js";

export const TRIALS_DIR = join(ROOT, "tests/contract/trials");

export interface Sdk {
  name: string;
  /** The trial's command line, run by the master in `TRIALS_DIR`. */
  entrypoint: string;
  /** The same, for the test to start a trial process itself. */
  command: [string, ...string[]];
  variables: Record<string, string>;
}

export const TYPESCRIPT_SDK: Sdk = {
  name: "typescript",
  entrypoint: "node contract-trial.mjs",
  command: [process.execPath, join(TRIALS_DIR, "contract-trial.mjs")],
  variables: {},
};

export const PYTHON_SDK: Sdk = {
  name: "python",
  entrypoint: `${PYTHON} contract_trial.py`,
  command: [PYTHON, join(TRIALS_DIR, "contract_trial.py")],
  // The package from this checkout; output line by line, as the TypeScript trial's.
  variables: { PYTHONPATH: PYTHON_DIR, PYTHONUNBUFFERED: "1" },
};

/** `describe.each(SDKS)`: every scenario once per SDK. */
export const SDKS: [string, Sdk][] = [TYPESCRIPT_SDK, PYTHON_SDK].map((sdk) => [sdk.name, sdk]);

/**
 * `first` for a trial's first run, `then` for every later one: a trial
 * restarted under the other SDK, resuming from a checkpoint it did not write.
 */
export function handedOver(first: Sdk, then: Sdk): Sdk {
  return {
    name: `${first.name}-then-${then.name}`,
    entrypoint: `if [ "$PUSHTUNE_TRIAL_RUN_ID" = 1 ]; then ${first.entrypoint}; else exec ${then.entrypoint}; fi`,
    command: first.command, // a process the test starts is a first run
    variables: { ...first.variables, ...then.variables },
  };
}
