/**
 * The master's cost per trial action as an ASHA search grows: an
 * async_halving experiment of TRIALS trials (default 2,000; 4 rungs of
 * divisor 4, 4 slots) played over the REST API by in-process trials that
 * answer at once (tests/master/support/trial-player.ts), on SQLite. Most of
 * an ASHA search's trials stay active, waiting for a promotion without a
 * slot; what the master does per action (a report, a completed operation, a
 * handover) should not grow with them. Printed: the process's CPU and wall
 * time per action over the first and the last TRIALS / 5 actions, the
 * active trials at the end of each, and the ratio of the last to the first
 * (1 is flat; it was 2.7 at 2,000 trials when each scheduling pass read
 * every active trial, and 1.7 at 10,000 while each searcher event rewrote
 * the experiment's row with its searcher snapshot). The CPU is the whole
 * process's: master and players together.
 * Beside it, a GET of the experiment (what the CLI and the web UI poll) with
 * no trials and with all of them (it was 12 ms against 0.8 at 2,000
 * trials when the answer's trial counts were counted from every trial's row).
 *
 *   node --import tsx bench/asha-master-scale.ts
 *   TRIALS=500 node --import tsx bench/asha-master-scale.ts
 *   DB=postgres node --import tsx bench/asha-master-scale.ts   (PostgreSQL on 127.0.0.1:5432)
 */
import { pathToFileURL } from "node:url";
import { ashaConfig, syntheticLoss } from "../tests/master/support/configs.js";
import { createExperiment, startTestMaster } from "../tests/master/support/harness.js";
import { TrialPlayer } from "../tests/master/support/trial-player.js";

export interface Window {
  /** Mean over the window's actions, ms. */
  cpuMs: number;
  wallMs: number;
  activeTrials: number;
}

export interface ScaleFigures {
  trials: number;
  actions: number;
  state: string;
  first: Window;
  last: Window;
  /** last.cpuMs / first.cpuMs */
  cpuRatio: number;
  /** A GET of the experiment (what the CLI and the web UI poll), mean ms: after its creation, after its end. */
  detailMs: { first: number; last: number };
}

const READS = 50;

/** Mean ms of READS GETs of `path`. */
async function timeReads(client: { get(path: string): Promise<{ status: number }> }, path: string) {
  const started = performance.now();
  for (let i = 0; i < READS; i++) {
    const res = await client.get(path);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
  }
  return (performance.now() - started) / READS;
}

const ENDED = ["COMPLETED", "CANCELED", "ERROR"];

export async function measure(
  trials: number,
  db: "sqlite" | "postgres" = "sqlite",
): Promise<ScaleFigures> {
  const tm = await startTestMaster({ slots: 4, db });
  try {
    const id = await createExperiment(
      tm,
      ashaConfig(
        {},
        {
          max_trials: trials,
          num_rungs: 4,
          divisor: 4,
          max_length: { batches: 64 },
          max_concurrent_trials: 4,
        },
      ),
    );
    const detailFirst = await timeReads(tm.admin, `/experiments/${id}`);
    const player = new TrialPlayer(tm, syntheticLoss);
    const state = async () => (await tm.store.getExperiment(id))!.state;
    const active = async () =>
      (await tm.store.listTrials({ experimentId: id, states: ["ACTIVE"] })).length;
    const span = Math.max(10, Math.round(trials / 5));
    const windows: Window[] = [];
    let actions = 0;
    let open: { cpu: NodeJS.CpuUsage; wall: number; at: number } | null = null;
    const close = async (at: number) => {
      if (!open) return;
      const cpu = process.cpuUsage(open.cpu);
      const n = at - open.at;
      windows.push({
        cpuMs: (cpu.user + cpu.system) / 1000 / n,
        wallMs: (performance.now() - open.wall) / n,
        activeTrials: await active(),
      });
      open = null;
    };
    while (!ENDED.includes(await state())) {
      if (!(await player.advance())) break;
      actions++;
      if (actions % span === 0) await close(actions);
      // Windows of `span` actions, measured with nothing but the actions in them.
      if (open === null) open = { cpu: process.cpuUsage(), wall: performance.now(), at: actions };
    }
    const end = await state();
    if (windows.length < 2) throw new Error(`${trials} trials made too few actions to compare`);
    const first = windows[0]!;
    const last = windows[windows.length - 1]!;
    const detailMs = { first: detailFirst, last: await timeReads(tm.admin, `/experiments/${id}`) };
    return {
      trials,
      actions,
      state: end,
      first,
      last,
      cpuRatio: last.cpuMs / first.cpuMs,
      detailMs,
    };
  } finally {
    await tm.close();
  }
}

export async function run(): Promise<ScaleFigures> {
  const trials = Number(process.env.TRIALS ?? 2000);
  const db = process.env.DB === "postgres" ? "postgres" : "sqlite";
  const f = await measure(trials, db);
  const line = (name: string, w: Window) =>
    `  ${name}: ${w.cpuMs.toFixed(2)} ms of CPU, ${w.wallMs.toFixed(2)} ms of wall time per action, ${w.activeTrials} active trials`;
  console.log(
    `async_halving of ${f.trials} trials (${f.state}), ${f.actions} trial actions over REST, 4 slots, ${db === "postgres" ? "PostgreSQL" : "SQLite"}:\n` +
      `${line("first actions", f.first)}\n${line("last actions ", f.last)}\n` +
      `  CPU per action, last / first: ${f.cpuRatio.toFixed(2)}\n` +
      `  GET /experiments/{id}: ${f.detailMs.first.toFixed(2)} ms with no trials, ${f.detailMs.last.toFixed(2)} ms with ${f.trials} ` +
      `(last / first: ${(f.detailMs.last / f.detailMs.first).toFixed(2)})`,
  );
  return f;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
