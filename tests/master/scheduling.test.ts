/** Slots across experiments: fair share by weight, priority preemption, max_concurrent_trials. */
import { afterEach, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, trial } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

const create = async (resources: Record<string, number>, searcher: Record<string, unknown> = {}) =>
  (
    await tm.admin.post<{ id: number }>("/experiments", {
      config: ashaConfig({ resources }, { max_trials: 12, max_concurrent_trials: 0, ...searcher }),
      workdir: "/tmp",
    })
  ).body.id;

const perExperiment = async () => {
  const out: Record<number, number> = {};
  for (const s of running(tm)) out[s.experimentId] = (out[s.experimentId] ?? 0) + 1;
  return out;
};

test("two experiments share the slots by weight, 3 to 1", async () => {
  tm = await startTestMaster({ slots: 8 });
  const heavy = await create({ weight: 3 });
  const light = await create({ weight: 1 });
  await tm.settle();
  // The first experiment took every slot before the second existed; as its trials finish a rung, slots move.
  for (let round = 0; round < 8; round++) {
    for (const s of running(tm).filter((x) => x.experimentId === heavy)) {
      const t = trial(tm, s.trialId);
      if (await t.preempted()) await t.ackAndExit();
    }
  }
  await tm.settle();
  expect(await perExperiment()).toEqual({ [heavy]: 6, [light]: 2 });
});

test("a higher-priority experiment preempts a lower one when no slot is free", async () => {
  tm = await startTestMaster({ slots: 4 });
  const low = await create({ priority: 10 });
  await tm.settle();
  expect(await perExperiment()).toEqual({ [low]: 4 });
  const high = await create({ priority: 90 });
  await tm.settle();
  const told = [];
  for (const s of running(tm)) if (await trial(tm, s.trialId).preempted()) told.push(s);
  expect(told.every((s) => s.experimentId === low)).toBe(true);
  expect(told).toHaveLength(4);
  for (const s of told) await trial(tm, s.trialId).ackAndExit();
  expect(await perExperiment()).toEqual({ [high]: 4 });
});

test("max_concurrent_trials bounds an experiment however many slots are free", async () => {
  tm = await startTestMaster({ slots: 16 });
  const id = await create({}, { max_concurrent_trials: 5 });
  await tm.settle();
  expect(await perExperiment()).toEqual({ [id]: 5 });
});
