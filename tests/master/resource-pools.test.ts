/**
 * Resource pools on one master: an experiment runs in the pool it names (or
 * the default one), each pool schedules its own slots, a pool that does not
 * exist or is too small is a config error at creation, and `GET
 * /resource-pools` shows what runs where.
 */
import { afterEach, expect, test } from "vitest";
import { missingPoolWarnings } from "../../src/master/app/resource-pool-views.js";
import type { ResourcePoolList } from "../../src/protocol/api/resource-pools.js";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

const twoPools = () =>
  startTestMaster({
    pools: [
      { name: "cpu", slots: 2 },
      { name: "gpu", slots: 3 },
    ],
  });

function config(resources: Record<string, unknown>, concurrent = 3) {
  return ashaConfig({ resources }, { max_concurrent_trials: concurrent });
}

async function create(resources: Record<string, unknown>, concurrent = 3) {
  const res = await tm.admin.post<{ id: number; config: { resources: { resource_pool: string } } }>(
    "/experiments",
    { config: config(resources, concurrent), workdir: "/tmp" },
  );
  expect(res.status).toBe(201);
  return res.body;
}

test("an experiment naming no pool runs in the default pool, and its config says which", async () => {
  tm = await twoPools();
  const exp = await create({});
  await tm.settle();
  expect(exp.config.resources.resource_pool).toBe("cpu");
  expect(tm.launchers.get("cpu")!.live.size).toBe(2);
  expect(tm.launchers.get("gpu")!.live.size).toBe(0);
});

test("each pool gives its own slots: experiments in two pools run side by side", async () => {
  tm = await twoPools();
  const inCpu = await create({ resource_pool: "cpu" });
  const inGpu = await create({ resource_pool: "gpu" });
  await tm.settle();
  const cpu = [...tm.launchers.get("cpu")!.live.values()];
  const gpu = [...tm.launchers.get("gpu")!.live.values()];
  expect(cpu.map((s) => s.experimentId)).toEqual([inCpu.id, inCpu.id]);
  expect(gpu.map((s) => s.experimentId)).toEqual([inGpu.id, inGpu.id, inGpu.id]);
});

test("priority is per pool: a high-priority experiment preempts only in its own pool", async () => {
  tm = await twoPools();
  await create({ resource_pool: "cpu" });
  await create({ resource_pool: "gpu" });
  await tm.settle();
  await create({ resource_pool: "cpu", priority: 90 });
  await tm.settle();
  expect(tm.launchers.get("cpu")!.terminated.length + tm.launchers.get("cpu")!.killed.length).toBe(
    0,
  );
  const pools = await tm.admin.get<ResourcePoolList>("/resource-pools");
  const gpu = pools.body.resourcePools.find((p) => p.name === "gpu")!;
  // Nothing of the gpu pool was asked to stop; the cpu pool's trials were told to preempt.
  const live = await tm.store.listLiveAllocations();
  expect(live.filter((a) => a.resourcePool === "gpu" && a.preemptRequested)).toEqual([]);
  expect(live.filter((a) => a.resourcePool === "cpu" && a.preemptRequested)).toHaveLength(2);
  expect(gpu.slotsUsed).toBe(3);
});

test("resources.max_slots caps the slots an experiment's trials hold", async () => {
  tm = await twoPools();
  const exp = await create({ resource_pool: "gpu", max_slots: 2 });
  await tm.settle();
  expect([...tm.launchers.get("gpu")!.live.values()].map((s) => s.experimentId)).toEqual([
    exp.id,
    exp.id,
  ]);
});

test("an unknown pool is a 400 naming resources.resource_pool, with the pools there are, and nothing is stored", async () => {
  tm = await twoPools();
  const res = await tm.admin.post<{ error: { code: string; details: { errors: unknown[] } } }>(
    "/experiments",
    { config: config({ resource_pool: "gpus" }), workdir: "/tmp" },
  );
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe("INVALID_CONFIG");
  expect(res.body.error.details.errors).toEqual([
    {
      path: "resources.resource_pool",
      message: 'no resource pool "gpus" on this master; did you mean "gpu"?',
    },
  ]);
  const other = await tm.admin.post<{ error: { details: { errors: { message: string }[] } } }>(
    "/experiments",
    { config: config({ resource_pool: "tpu-v5" }), workdir: "/tmp" },
  );
  expect(other.body.error.details.errors[0]!.message).toBe(
    'no resource pool "tpu-v5" on this master; it has: cpu, gpu',
  );
  const list = await tm.admin.get<{ experiments: unknown[] }>("/experiments");
  expect(list.body.experiments).toEqual([]);
});

test("more slots per trial than the pool has is a 400 naming resources.slots_per_trial", async () => {
  tm = await twoPools();
  const res = await tm.admin.post<{ error: { code: string; details: { errors: unknown[] } } }>(
    "/experiments",
    { config: config({ resource_pool: "gpu", slots_per_trial: 4 }), workdir: "/tmp" },
  );
  expect(res.status).toBe(400);
  expect(res.body.error.details.errors).toEqual([
    {
      path: "resources.slots_per_trial",
      message:
        'must be at most 3, the slots of resource pool "gpu", or no trial could ever run, got 4',
    },
  ]);
  expect((await tm.admin.get<{ experiments: unknown[] }>("/experiments")).body.experiments).toEqual(
    [],
  );
});

test("a Slurm time limit no longer than the pool's warning is a 400 naming resources.slurm.time_limit", async () => {
  tm = await startTestMaster({
    pools: [
      { name: "cpu", slots: 2 },
      { name: "gpu", slots: 3, warningSeconds: 120 },
    ],
  });
  const post = (resources: Record<string, unknown>) =>
    tm.admin.post<{ error: { details: { errors: unknown[] } } }>("/experiments", {
      config: config(resources),
      workdir: "/tmp",
    });
  const res = await post({ resource_pool: "gpu", slurm: { time_limit: "2" } });
  expect(res.status).toBe(400);
  expect(res.body.error.details.errors).toEqual([
    {
      path: "resources.slurm.time_limit",
      message:
        'must be longer than resource pool "gpu"\'s warning_seconds (120 s: a job is told to stop that long before its time limit), or every trial would be told to stop as it starts, got "2"',
    },
  ]);
  expect((await tm.admin.get<{ experiments: unknown[] }>("/experiments")).body.experiments).toEqual(
    [],
  );
  // Longer than the warning, or in a pool whose trials are not Slurm jobs: taken.
  expect((await post({ resource_pool: "gpu", slurm: { time_limit: "3" } })).status).toBe(201);
  expect((await post({ resource_pool: "cpu", slurm: { time_limit: "1" } })).status).toBe(201);
});

test("GET /resource-pools lists each pool's launcher, slots, experiments and running trials", async () => {
  tm = await twoPools();
  const exp = await create({ resource_pool: "gpu" }, 2);
  await tm.settle();
  const res = await tm.admin.get<ResourcePoolList>("/resource-pools");
  expect(res.status).toBe(200);
  const live = (await tm.store.listLiveAllocations()).sort((a, b) => a.trialId - b.trialId);
  expect(res.body).toEqual({
    resourcePools: [
      {
        name: "cpu",
        launcher: "fake",
        default: true,
        configured: true,
        slotType: "cpu",
        slotsTotal: 2,
        slotsUsed: 0,
        experiments: [],
        trials: [],
      },
      {
        name: "gpu",
        launcher: "fake",
        default: false,
        configured: true,
        slotType: "cpu",
        slotsTotal: 3,
        slotsUsed: 2,
        experiments: [{ id: exp.id, name: "asha-test", state: "ACTIVE" }],
        trials: live.map((a) => ({
          trialId: a.trialId,
          experimentId: exp.id,
          allocationId: a.id,
          state: a.state,
          slots: 1,
        })),
      },
    ],
  });
  expect(live).toHaveLength(2);
});

test("after a restart each allocation is recovered by its own pool's launcher and relaunched there", async () => {
  tm = await twoPools();
  await create({ resource_pool: "gpu" });
  await tm.settle();
  const before = (await tm.store.listLiveAllocations()).map((a) => a.id).sort();
  await tm.restart();
  expect([...tm.launchers.get("gpu")!.recovered].sort()).toEqual(before);
  expect(tm.launchers.get("cpu")!.recovered).toEqual([]);
  expect(tm.launchers.get("gpu")!.live.size).toBe(3);
  expect(tm.launchers.get("cpu")!.live.size).toBe(0);
});

test("a pool of no slots takes an experiment, whose trials wait for slots there", async () => {
  tm = await startTestMaster({ pools: [{ name: "drained", slots: 0 }] });
  const { id } = await create({ slots_per_trial: 2 });
  await tm.settle();
  const trials = await tm.store.listTrials({ experimentId: id });
  expect(trials.length).toBeGreaterThan(0);
  expect(await tm.store.listLiveAllocations()).toEqual([]);
});

test("a pool the master's config no longer has is listed as not configured, with the experiments waiting for it", async () => {
  tm = await twoPools();
  const exp = await create({ resource_pool: "gpu" });
  await tm.settle();
  await tm.restart([{ name: "cpu", slots: 2 }]);
  const res = await tm.admin.get<ResourcePoolList>("/resource-pools");
  expect(res.body.resourcePools.map((p) => [p.name, p.configured, p.launcher])).toEqual([
    ["cpu", true, "fake"],
    ["gpu", false, "none"],
  ]);
  expect(res.body.resourcePools[1]!.experiments).toEqual([
    { id: exp.id, name: "asha-test", state: "ACTIVE" },
  ]);
  expect(await missingPoolWarnings(tm.master.ctx)).toEqual([
    `resource pool "gpu" is not in this master's config; the trials of experiment ${exp.id} wait until a master with that pool runs`,
  ]);
  // Nothing of it runs in another pool meanwhile.
  expect(tm.launchers.get("cpu")!.live.size).toBe(0);
});
