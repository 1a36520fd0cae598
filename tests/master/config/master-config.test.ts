/** The master config file: every error at once, each naming its field; defaults as documented. */
import { expect, test } from "vitest";
import { parseMasterConfig } from "../../../src/master/config/master-config.js";
import { readYaml } from "../../../src/protocol/config/parse-yaml.js";

function parse(yaml: string) {
  const read = readYaml(yaml, "the master config");
  if (!read.ok) throw new Error(JSON.stringify(read.errors));
  return parseMasterConfig(read.data);
}

function errorsOf(yaml: string): string[] {
  const result = parse(yaml);
  if (result.ok) throw new Error("expected errors");
  return result.errors.map((e) => `${e.path}: ${e.message}`);
}

test("a full config with a local and a Slurm pool is read as written, Slurm defaults filled in", () => {
  const result = parse(`
db: postgres://pushtune@db/pushtune
host: 0.0.0.0
port: 8081
advertised_url: http://login1:8081
resource_pools:
  - {name: cpu, launcher: local, slots: 4}
  - name: gpu
    launcher: slurm
    slots: 8
    slot_type: gpu
    partition: a100
    account: ml
    qos: normal
    time_limit: "4:00:00"
    sbatch_args: [--mem=32G]
    jobs_dir: /shared/pushtune/jobs
  - {name: cluster-cpu, launcher: slurm, slots: 64}
`);
  expect(result).toEqual({
    ok: true,
    config: {
      db: "postgres://pushtune@db/pushtune",
      host: "0.0.0.0",
      port: 8081,
      advertised_url: "http://login1:8081",
      resource_pools: [
        { name: "cpu", launcher: "local", slots: 4 },
        {
          name: "gpu",
          launcher: "slurm",
          slots: 8,
          slot_type: "gpu",
          partition: "a100",
          account: "ml",
          qos: "normal",
          time_limit: "4:00:00",
          sbatch_args: ["--mem=32G"],
          jobs_dir: "/shared/pushtune/jobs",
        },
        { name: "cluster-cpu", launcher: "slurm", slots: 64, slot_type: "cpu" },
      ],
    },
  });
});

test("an empty file is no settings at all", () => {
  expect(parse("")).toEqual({ ok: true, config: {} });
});

test("unknown keys are errors naming their path, with a suggestion when one is close", () => {
  expect(
    errorsOf(`
prot: 8080
resource_pools:
  - {name: a, launcher: slurm, slots: 2, partiton: gpu}
  - {name: b, slots: 2, account: ml}
`),
  ).toEqual([
    'prot: unknown field; did you mean "port"?',
    'resource_pools[0].partiton: unknown field; did you mean "partition"?',
    "resource_pools[1].account: unknown field for a local pool (a field of launcher: slurm)",
  ]);
});

test("every bad value is reported at once, each with what was expected", () => {
  expect(
    errorsOf(`
port: 70000
advertised_url: login1:8080
resource_pools:
  - {name: "has space", launcher: pbs, slots: 0}
  - {launcher: slurm, slot_type: tpu, sbatch_args: [--output=x]}
  - {name: dup, slots: 1}
  - {name: dup, slots: 2}
`),
  ).toEqual([
    "port: must be an integer between 0 and 65535, got 70000",
    'advertised_url: must be an http(s) URL with a host, got "login1:8080"',
    'resource_pools[0].name: must be a name of letters, digits, _, . and - (at most 64, starting with a letter or digit), got "has space"',
    'resource_pools[0].launcher: must be one of local, slurm, got "pbs"',
    "resource_pools[0].slots: must be an integer between 1 and 2147483647, got 0",
    "resource_pools[1].name: is required (a name of letters, digits, _, . and -)",
    "resource_pools[1].slots: is required for a Slurm pool (an integer between 1 and 2147483647)",
    'resource_pools[1].slot_type: must be one of cpu, gpu, got "tpu"; did you mean "cpu"?',
    'resource_pools[1].sbatch_args[0]: --output is reserved by pushtune, got "--output=x"',
    'resource_pools[3].name: another pool is named "dup" already',
  ]);
});

test("resource_pools must be a non-empty list", () => {
  expect(errorsOf("resource_pools: []")).toEqual([
    "resource_pools: must be a non-empty list of pools, got an empty list",
  ]);
  expect(errorsOf("resource_pools: {name: a}")).toEqual([
    "resource_pools: must be a non-empty list of pools, got a mapping",
  ]);
});

test("a document that is not a mapping says so", () => {
  expect(errorsOf("- a\n- b")).toEqual([": must be a mapping (the master config), got a list"]);
});

test("a Slurm pool's time limit must be one sbatch reads, longer than its warning_seconds", () => {
  expect(
    errorsOf(`
resource_pools:
  - {name: a, launcher: slurm, slots: 1, time_limit: "4 hours"}
  - {name: b, launcher: slurm, slots: 1, time_limit: "1"}
  - {name: c, launcher: slurm, slots: 1, time_limit: "5:00", warning_seconds: 300}
  - {name: d, launcher: slurm, slots: 1, time_limit: "6:00", warning_seconds: 300}
  - {name: e, launcher: slurm, slots: 1, time_limit: UNLIMITED, warning_seconds: 300}
`),
  ).toEqual([
    'resource_pools[0].time_limit: must be a Slurm time limit as sbatch --time reads it (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS; UNLIMITED), got "4 hours"',
    'resource_pools[1].time_limit: must be longer than warning_seconds (60 s: a job is told to stop that long before its time limit), or every trial would be told to stop as it starts, got "1"',
    'resource_pools[2].time_limit: must be longer than warning_seconds (300 s: a job is told to stop that long before its time limit), or every trial would be told to stop as it starts, got "5:00"',
  ]);
});
