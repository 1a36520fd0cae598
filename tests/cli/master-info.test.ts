/** `pushtune master info`: the master's resource pools, their slots and what runs in each. */
import { afterAll, beforeAll, expect, test } from "vitest";
import type { ResourcePoolList } from "../../src/protocol/api/resource-pools.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { parseJson, runCli } from "./support/run-cli.js";

let m: CliMaster;
let experiment: number;
beforeAll(async () => {
  m = await startCliMaster({
    pools: [
      { name: "cpu", slots: 4 },
      { name: "gpu-a100", slots: 8 },
    ],
  });
  const res = await m.tm.admin.post<{ id: number }>("/experiments", {
    config: {
      entrypoint: "node train.js",
      searcher: {
        name: "random",
        metric: "loss",
        max_length: 10,
        max_trials: 2,
        max_concurrent_trials: 2,
      },
      resources: { resource_pool: "gpu-a100", slots_per_trial: 2 },
    },
    workdir: "/tmp",
  });
  experiment = res.body.id;
  await m.tm.settle();
});
afterAll(async () => m.close());

test("master info --json gives the API's pools", async () => {
  const r = await runCli(["master", "info", "--json"], { env: m.env });
  expect(r.code).toBe(0);
  const { resourcePools } = parseJson<ResourcePoolList>(r);
  expect(resourcePools.map((p) => [p.name, p.slotsUsed, p.slotsTotal])).toEqual([
    ["cpu", 0, 4],
    ["gpu-a100", 4, 8],
  ]);
  expect(resourcePools[1]!.trials.map((t) => t.experimentId)).toEqual([experiment, experiment]);
});

test("master info prints each pool with its launcher, slots in use, experiments and trials", async () => {
  const r = await runCli(["master", "info"], { env: m.env });
  expect(r.code).toBe(0);
  const trials = (await m.tm.store.listLiveAllocations()).map((a) => a.trialId).sort();
  expect(r.stdout.split("\n")).toEqual([
    `master ${m.url}`,
    "POOL           LAUNCHER  SLOTS USED  EXPERIMENTS  RUNNING TRIALS",
    "cpu (default)  fake         0/4 cpu  -            -",
    `gpu-a100       fake         4/8 cpu  ${experiment}            ${trials.join(", ")}`,
    "",
  ]);
});
