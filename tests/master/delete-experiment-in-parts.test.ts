/**
 * Deleting a big experiment leaves the master answering: its trials' metric
 * rows and log lines, the bulk of its rows, go in parts with turns of the
 * event loop between them before the rest goes in one transaction (on
 * SQLite that transaction holds the one connection every request needs).
 */
import { afterEach, expect, test } from "vitest";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

const config = {
  name: "big",
  entrypoint: "node train.js",
  searcher: { name: "random", metric: "loss", max_length: 100, max_trials: 3 },
};

test("a deleted experiment's metric rows and log lines go in parts, other requests served between them", async () => {
  tm = await startTestMaster({ slots: 0 });
  const id = (
    await tm.admin.post<{ id: number }>("/experiments", {
      config,
      workdir: "/tmp",
      activate: false,
    })
  ).body.id;
  const trials = await tm.store.listTrials({ experimentId: id });
  expect(trials).toHaveLength(3);
  const perTrial = 6000;
  for (const trial of trials) {
    for (let from = 0; from < perTrial - 100; from += 1000)
      await tm.store.addMetrics(
        trial.id,
        0,
        Array.from({ length: Math.min(1000, perTrial - 100 - from) }, (_, i) => ({
          group: "training" as const,
          stepsCompleted: from + i + 1,
          metrics: { loss: 1 },
          reportTime: new Date(),
        })),
      );
    await tm.store.addLogs(
      Array.from({ length: 100 }, () => ({
        trialId: trial.id,
        allocationId: null,
        time: new Date(),
        stream: "stdout" as const,
        line: "step",
      })),
    );
  }
  expect((await tm.admin.post(`/experiments/${id}/kill`)).status).toBe(200);
  await tm.settle();

  const parts: number[] = [];
  let turned = true;
  let turnsMissed = 0;
  let leftForLast: number | null = null;
  const { store } = tm;
  const deleteTrialOutput = store.deleteTrialOutput.bind(store);
  const deleteExperiment = store.deleteExperiment.bind(store);
  store.deleteTrialOutput = async (experimentId, limit, after) => {
    if (!turned) turnsMissed++;
    const part = await deleteTrialOutput(experimentId, limit, after);
    parts.push(part.deleted);
    turned = false;
    setImmediate(() => {
      turned = true;
    });
    return part;
  };
  store.deleteExperiment = async (experimentId) => {
    leftForLast = 0;
    for (const trial of trials)
      leftForLast +=
        (await store.listMetrics({ trialId: trial.id, limit: perTrial })).length +
        (await store.listLogs({ trialId: trial.id, limit: perTrial })).length;
    return deleteExperiment(experimentId);
  };

  expect((await tm.admin.del(`/experiments/${id}`)).status).toBe(204);
  expect(await tm.store.getExperiment(id)).toBeNull();
  expect(leftForLast).toBe(0);
  // A trial's 6,000 rows each time: past the 5,000 of a part, so one trial a part.
  expect(parts).toEqual([perTrial, perTrial, perTrial, 0]);
  expect(turnsMissed).toBe(0);
});
