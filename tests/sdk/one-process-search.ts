/**
 * A random search of `trials` trials on a test master with one slot, and the
 * environment and transport of the one process the master started for it:
 * what `trials()` and `fitTrials()` run trial after trial.
 */
import { passable } from "../../src/protocol/long-variables.js";
import type { Transport } from "../../src/sdk/index.js";
import { startTestMaster, type TestMaster } from "../master/support/harness.js";
import { injectTransport } from "./inject-transport.js";

export interface OneProcessSearch {
  tm: TestMaster;
  experimentId: number;
  /** The process's environment: `trials()` changes it to each trial's. */
  env: Record<string, string | undefined>;
  /** Authenticates with the current `env.PUSHTUNE_TOKEN`. */
  transport: Transport;
  /** Ends the process (after its last trial) and waits for the master to hear it. */
  exit(): Promise<void>;
  /** The experiment's state and trial counts. */
  experiment(): Promise<{ state: string; trialCounts: Record<string, number> }>;
}

export async function startOneProcessSearch(
  trials = 3,
  batches = 20,
  /** More hyperparameters of the search. */
  hyperparameters: Record<string, unknown> = {},
): Promise<OneProcessSearch> {
  const tm = await startTestMaster({ slots: 1 });
  const created = await tm.admin.post<{ id: number }>("/experiments", {
    config: {
      name: "one-process",
      entrypoint: "node train.js",
      hyperparameters: { lr: { type: "double", minval: 0.001, maxval: 0.1 }, ...hyperparameters },
      searcher: {
        name: "random",
        metric: "validation_loss",
        max_length: { batches },
        max_trials: trials,
      },
      min_validation_period: { batches: 10 },
    },
    workdir: "/tmp",
  });
  await tm.settle();
  const [spec] = tm.launcher.launched;
  // As a launcher passes it to the process.
  const env: Record<string, string | undefined> = passable(spec!.env);
  return {
    tm,
    experimentId: created.body.id,
    env,
    transport: injectTransport(tm, () => env.PUSHTUNE_TOKEN ?? ""),
    async exit() {
      tm.launcher.exit(env.PUSHTUNE_ALLOCATION_ID!);
      await tm.settle();
    },
    async experiment() {
      const exp = await tm.admin.get<{ state: string; trialCounts: Record<string, number> }>(
        `/experiments/${created.body.id}`,
      );
      return exp.body;
    },
  };
}
