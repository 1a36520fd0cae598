/**
 * A real master process killed with SIGKILL in the middle of an experiment
 * whose trials are real processes: started again on the same data dir, it
 * stops the leftover trial processes, reschedules their trials without
 * counting a restart, and the experiment ends exactly as an uninterrupted one.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, expect, test } from "vitest";
import { type MasterProcess, startMasterProcess } from "../support/master-process.js";
import { ashaConfig, tpeConfig } from "./support/configs.js";

const TRIAL = resolve(import.meta.dirname, "../fixtures/http-trial.mjs");
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

const entrypoint = { entrypoint: `node ${TRIAL}` };
/**
 * The searchers whose decisions are rebuilt by replay: ASHA, and TPE alone and
 * as ASHA's sampler, with few enough startup trials that the model samples
 * most of them.
 */
const configs = [
  ["async_halving", ashaConfig(entrypoint, { max_concurrent_trials: 1 })],
  [
    "async_halving with sampler: tpe",
    ashaConfig(entrypoint, {
      max_concurrent_trials: 1,
      max_trials: 12,
      sampler: "tpe",
      n_startup_trials: 2,
    }),
  ],
  ["tpe", { ...tpeConfig({ max_concurrent_trials: 1, n_startup_trials: 3 }), ...entrypoint }],
] as const;

type Summary = Awaited<ReturnType<typeof summary>>;

async function summary(m: MasterProcess, id: number) {
  const trials = (
    await m.api<{
      trials: { id: number; requestId: number; hparams: unknown; restarts: number }[];
    }>("GET", `/experiments/${id}/trials`)
  ).body.trials;
  const out = [];
  for (const t of trials.sort((a, b) => a.requestId - b.requestId)) {
    const detail = (
      await m.api<{ ops: { length: number; completed: boolean }[] }>("GET", `/trials/${t.id}`)
    ).body;
    out.push({
      requestId: t.requestId,
      hparams: t.hparams,
      lengths: detail.ops.filter((o) => o.completed).map((o) => o.length),
      restarts: t.restarts,
    });
  }
  return out;
}

async function waitFor<T>(what: string, fn: () => Promise<T | null>, seconds = 120): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function start(dataDir: string) {
  const m = await startMasterProcess(dataDir, ["--slots", "1"]);
  cleanup.push(async () => {
    await m.kill();
  });
  return m;
}

const ended = (m: MasterProcess, id: number) => () =>
  m
    .api<{ state: string }>("GET", `/experiments/${id}`)
    .then((r) => (["COMPLETED", "ERROR", "CANCELED"].includes(r.body.state) ? r.body.state : null));

test.each(configs)(
  "%s: kill -9 of the master mid-experiment, then a restart: the same trials, hyperparameters and lengths",
  async (_name, config) => {
    const dirA = await mkdtemp(join(tmpdir(), "pushtune-k9-a-"));
    const dirB = await mkdtemp(join(tmpdir(), "pushtune-k9-b-"));
    cleanup.push(
      () => rm(dirA, { recursive: true, force: true }),
      () => rm(dirB, { recursive: true, force: true }),
    );

    // The uninterrupted run and the interrupted one are independent: they run side by side.
    const uninterrupted = async () => {
      const a = await start(dirA);
      const ida = (await a.api<{ id: number }>("POST", "/experiments", { config, workdir: dirA }))
        .body.id;
      expect(await waitFor("baseline", ended(a, ida))).toBe("COMPLETED");
      return summary(a, ida);
    };
    const interrupted = async () => {
      let b = await start(dirB);
      const idb = (await b.api<{ id: number }>("POST", "/experiments", { config, workdir: dirB }))
        .body.id;
      // Let a few ops complete, with a trial running, then pull the plug.
      await waitFor("some progress", async () => {
        const s = await summary(b, idb);
        return s.reduce((n, t) => n + t.lengths.length, 0) >= 4 ? true : null;
      });
      await b.kill("SIGKILL");
      b = await start(dirB);
      expect(await waitFor("resumed run", ended(b, idb))).toBe("COMPLETED");
      return summary(b, idb);
    };
    // Both are waited for, so that a failure of one leaves no master of the other behind.
    const runs = await Promise.allSettled([uninterrupted(), interrupted()]);
    const [baseline, resumed] = runs.map((r) => {
      if (r.status === "rejected") throw r.reason;
      return r.value;
    }) as [Summary, Summary];
    expect(baseline).toHaveLength(config.searcher.max_trials);
    expect(resumed.map(({ restarts: _, ...t }) => t)).toEqual(
      baseline.map(({ restarts: _, ...t }) => t),
    );
    expect(resumed.every((t) => t.restarts === 0)).toBe(true);
  },
  240_000,
);
