/**
 * `pushtune master --config master.yaml`: the file sets the database, data
 * dir, address, advertised URL and resource pools; flags override it; a bad
 * file is refused with every error naming its field, before anything is made.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { MasterClient } from "../../src/cli/client.js";
import { type RunningMaster, startMaster } from "../../src/cli/commands/master.js";
import type { ResourcePoolList } from "../../src/protocol/api/resource-pools.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function folderWith(yaml: string): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), "pushtune-master-config-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, "master.yaml");
  await writeFile(file, yaml);
  return { dir, file };
}

async function started(flags: Parameters<typeof startMaster>[0]): Promise<RunningMaster> {
  const m = await startMaster({ quiet: true, ...flags });
  cleanup.push(() => m.close());
  return m;
}

async function poolsOf(m: RunningMaster) {
  const token = (await readFile(join(m.dataDir, "admin.token"), "utf8")).trim();
  const client = new MasterClient(m.url, token);
  return (await client.request<ResourcePoolList>("GET", "/resource-pools")).resourcePools.map(
    (p) => ({ name: p.name, launcher: p.launcher, default: p.default, slots: p.slotsTotal }),
  );
}

const CONFIG = `
data_dir: state
port: 0
advertised_url: http://login1.cluster:8080
resource_pools:
  - {name: cpu, launcher: local, slots: 2}
  - {name: hpc, launcher: slurm, slots: 16, slot_type: gpu, partition: debug, jobs_dir: jobs}
`;

test("the file's data dir (relative to the file), port, advertised URL and pools are the master's", async () => {
  const { dir, file } = await folderWith(CONFIG);
  const m = await started({ config: file });
  expect(m.dataDir).toBe(join(dir, "state"));
  expect(existsSync(join(dir, "state", "pushtune.db"))).toBe(true);
  expect(m.advertisedUrl).toBe("http://login1.cluster:8080");
  expect(await poolsOf(m)).toEqual([
    { name: "cpu", launcher: "local", default: true, slots: 2 },
    { name: "hpc", launcher: "slurm", default: false, slots: 16 },
  ]);
});

test("flags override the file: data dir, advertised URL and the default pool's slots", async () => {
  const { dir, file } = await folderWith(CONFIG);
  const m = await started({
    config: file,
    dataDir: join(dir, "other"),
    advertisedUrl: "http://10.0.0.5:9000",
    slots: 3,
  });
  expect(m.dataDir).toBe(join(dir, "other"));
  expect(m.advertisedUrl).toBe("http://10.0.0.5:9000");
  expect((await poolsOf(m)).map((p) => p.slots)).toEqual([3, 16]);
});

test("with no file: one local pool, default, and trials told the URL listened on", async () => {
  const { dir } = await folderWith("");
  const m = await started({ dataDir: join(dir, "d"), port: 0, slots: 2 });
  expect(m.advertisedUrl).toBe(m.url);
  expect(await poolsOf(m)).toEqual([
    { name: "default", launcher: "local", default: true, slots: 2 },
  ]);
});

test("a bad file is a usage error listing every problem by path, and nothing is created", async () => {
  const { dir, file } = await folderWith(`
data_dir: state
prot: 8080
resource_pools:
  - {name: hpc, launcher: slurm, partiton: debug}
`);
  const err = await startMaster({ config: file, quiet: true }).catch((e: unknown) => e);
  expect(err).toMatchObject({ exitCode: 2 });
  expect((err as Error).message).toBe(
    [
      `${file}:`,
      'prot: unknown field; did you mean "port"?',
      'resource_pools[0].partiton: unknown field; did you mean "partition"?',
      "resource_pools[0].slots: is required for a Slurm pool (an integer between 1 and 2147483647)",
    ].join("\n"),
  );
  expect(existsSync(join(dir, "state"))).toBe(false);
});

test("a missing file and a bad --advertised-url are usage errors", async () => {
  const { dir } = await folderWith("");
  await expect(startMaster({ config: join(dir, "nope.yaml") })).rejects.toMatchObject({
    exitCode: 2,
    message: expect.stringContaining("cannot read the master config"),
  });
  await expect(
    startMaster({ dataDir: join(dir, "d"), advertisedUrl: "login1:8080" }),
  ).rejects.toMatchObject({
    exitCode: 2,
    message: '--advertised-url must be an http(s) URL with a host, got "login1:8080"',
  });
});
