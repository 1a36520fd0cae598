/**
 * Training pushes of running trials made straight to the push service, as
 * their allocations (not over HTTP): pushes made together are stored as one
 * group, which a test can then hold inside its transaction.
 */
import type { Principal } from "../../../src/master/app/principal.js";
import type { LaunchSpec } from "../../../src/master/launcher/launcher.js";
import type { TestMaster } from "./harness.js";

/** A push of one training report at `steps` by `spec`'s allocation, for its trial's first run. */
export type TrainingPush = (spec: LaunchSpec, steps: number) => Promise<number>;

export async function directTrainingPushes(
  tm: TestMaster,
  specs: readonly LaunchSpec[],
): Promise<TrainingPush> {
  const principals = new Map<string, Principal>();
  for (const s of specs)
    principals.set(s.allocationId, {
      kind: "allocation",
      allocation: (await tm.store.getAllocation(s.allocationId))!,
    });
  return (spec, steps) =>
    tm.master.push.metrics(principals.get(spec.allocationId)!, spec.trialId, {
      trialRunId: 1,
      reports: [{ group: "training", stepsCompleted: steps, metrics: { loss: 1 } }],
    });
}
