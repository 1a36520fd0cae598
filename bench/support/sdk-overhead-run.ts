/**
 * The harness of the SDK-overhead benchmarks (one per SDK): a real master
 * (started here, with the local launcher) runs one trial, so reports cross
 * real HTTP. The trial calibrates a CPU-bound batch, alternates rounds of
 * batches that report nothing with rounds that report training metrics after
 * every batch (and progress every 100), so a slow spell of the machine hits
 * both kinds, and writes what it measured as JSON (`TrialResult`) to the file
 * named by SDK_OVERHEAD_RESULT. This prints the overhead of reporting.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MasterClient, type Method } from "../../src/cli/client.js";
import { startMaster } from "../../src/cli/commands/master.js";
import { fmt } from "./bench-master.js";

/** One round of batches, as the trial measured it. */
export interface Phase {
  wallMs: number;
  /** CPU of the whole trial process, its SDK's threads included. */
  cpuMs: number;
  /** Wall time inside the batches' work itself. */
  workMs: number;
}

/** What the trial writes to SDK_OVERHEAD_RESULT. */
export interface TrialResult {
  workMsPerBatch: number;
  plain: Phase[];
  reporting: Phase[];
}

export interface SdkOverheadTrial {
  /** Files to write into the trial's (temporary) workdir: name → text. */
  files?: Record<string, string>;
  entrypoint: string;
  /** Measured rounds of each kind, and unmeasured warm-up rounds of each kind before them. */
  rounds: number;
  warmupRounds: number;
  /** Batches per round. */
  perRound: number;
  /** Environment of the trial besides SDK_OVERHEAD_RESULT. */
  variables?: Record<string, string>;
}

export async function measureSdkOverhead(trial: SdkOverheadTrial): Promise<Record<string, number>> {
  const dataDir = await mkdtemp(join(tmpdir(), "pushtune-bench-sdk-"));
  const master = await startMaster({ dataDir, port: 0, slots: 1, quiet: true });
  const token = (await readFile(join(dataDir, "admin.token"), "utf8")).trim();
  const client = new MasterClient(master.url, token);
  const api = <T>(method: Method, path: string, body?: unknown) =>
    client.request<T>(method, path, body);
  const resultFile = join(dataDir, "result.json");
  for (const [name, text] of Object.entries(trial.files ?? {}))
    await writeFile(join(dataDir, name), text);
  const { rounds, warmupRounds, perRound } = trial;
  const { id } = await api<{ id: number }>("POST", "/experiments", {
    workdir: dataDir,
    config: {
      name: "sdk-overhead",
      entrypoint: trial.entrypoint,
      searcher: {
        name: "single",
        metric: "validation_loss",
        max_length: { batches: perRound * (rounds + warmupRounds) }, // the warm-up reports too
      },
      environment: { variables: { ...trial.variables, SDK_OVERHEAD_RESULT: resultFile } },
    },
  });
  let state = "ACTIVE";
  while (!["COMPLETED", "ERROR", "CANCELED"].includes(state)) {
    await new Promise((r) => setTimeout(r, 200));
    state = (await api<{ state: string }>("GET", `/experiments/${id}`)).state;
  }
  const [trialRow] = (await api<{ trials: { id: number }[] }>("GET", `/experiments/${id}/trials`))
    .trials;
  const stored = await api<{ metrics: unknown[] }>(
    "GET",
    `/trials/${trialRow!.id}/metrics?group=training&limit=10000`,
  );
  const result = await readFile(resultFile, "utf8")
    .then((text) => JSON.parse(text) as TrialResult)
    .catch(async () => {
      const { logs } = await api<{ logs: { line: string }[] }>(
        "GET",
        `/trials/${trialRow!.id}/logs?tail=30`,
      );
      throw new Error(
        `the trial wrote no result (${state}):\n${logs.map((l) => l.line).join("\n")}`,
      );
    })
    .finally(async () => {
      await master.close();
      await rm(dataDir, { recursive: true, force: true });
    });

  const total = (phases: Phase[], key: keyof Phase) => phases.reduce((s, p) => s + p[key], 0);
  const overhead = (key: keyof Phase) =>
    total(result.reporting, key) / total(result.plain, key) - 1;
  const ratios = result.reporting.map((p, i) => p.wallMs / result.plain[i]!.wallMs - 1);
  const median = [...ratios].sort((x, y) => x - y)[Math.floor(ratios.length / 2)]!;
  const batches = perRound * rounds;
  const pct = (x: number) => `${fmt(x * 100, 2)}%`;
  console.log(
    `${fmt(batches)} batches of ${fmt(result.workMsPerBatch, 2)} ms CPU, training metrics reported after every batch, progress every 100 (${state}, ${stored.metrics.length} training reports stored, the warm-up's included):`,
  );
  console.log(
    `  overhead: wall ${pct(overhead("wallMs"))} (median of ${rounds} rounds ${pct(median)}), CPU ${pct(overhead("cpuMs"))}   (aim < 2%)`,
  );
  const perBatchUs = (key: keyof Phase) =>
    ((total(result.reporting, key) - total(result.plain, key)) / batches) * 1000;
  console.log(
    `  per reported batch: ${fmt(perBatchUs("cpuMs"), 1)} µs more CPU, ${fmt(perBatchUs("wallMs"), 1)} µs more wall time, ` +
      `of which ${fmt(perBatchUs("workMs"), 1)} µs inside the batch's own work (a busier machine: the master serving the reports, caches)`,
  );
  return {
    batches,
    workMsPerBatch: result.workMsPerBatch,
    wallOverhead: overhead("wallMs"),
    workSlowdown: overhead("workMs"),
    wallOverheadMedian: median,
    cpuOverhead: overhead("cpuMs"),
    reportsStored: stored.metrics.length,
  };
}
