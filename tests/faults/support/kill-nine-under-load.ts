/**
 * The faults run: a real `pushtune master` process drives a real random
 * search whose trials are `examples/synthetic` processes (the SDK's Trainer,
 * trial after trial per process), and is killed with SIGKILL at random
 * moments, several times, each time started again on the same data dir and
 * database. Once, while it runs, a second master is started against the same
 * data dir (SQLite) or database (PostgreSQL) and must be refused, touching
 * nothing. At the end every trial has trained its full length, no restart was
 * counted (a master's death is not the trial's fault), no training or
 * validation row is missing or doubled, and every process was launched with
 * its master's URL.
 *
 * The moments come from a seed, printed; PUSHTUNE_FAULTS_SEED repeats a run.
 */
import { randomInt } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { nextFloat, seedRng } from "../../../src/searcher/rng.js";
import { ensureSdkBuilt, SYNTHETIC_DIR } from "../../e2e/support/build.js";
import {
  type ApiClient,
  experiment,
  metricsOf,
  trialDetails,
  waitFor,
  waitForEnd,
} from "../../e2e/support/cluster.js";
import { batches, syntheticConfig, withChanges } from "../../e2e/support/configs.js";
import { createPostgresDatabase } from "../../master/support/postgres.js";
import {
  type MasterProcess,
  runRefusedMaster,
  startMasterProcess,
} from "../../support/master-process.js";

const TRIALS = 6;
const LENGTH = 400;
const UNIT = 10;
const VALIDATION_PERIOD = 50;
const KILLS = 3;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function killNineUnderLoad(db: "sqlite" | "postgres"): Promise<void> {
  await ensureSdkBuilt();
  const seed = Number(process.env.PUSHTUNE_FAULTS_SEED ?? randomInt(2 ** 31));
  console.log(`faults (${db}): seed ${seed}; PUSHTUNE_FAULTS_SEED=${seed} repeats this run`);
  // The searcher's own seeded generator: the kill moments of a run.
  const rng = seedRng(seed);
  const random = () => nextFloat(rng);
  const cleanups: (() => Promise<unknown>)[] = [];
  const scratch = await mkdtemp(join(tmpdir(), "pushtune-faults-"));
  cleanups.push(() => rm(scratch, { recursive: true, force: true, maxRetries: 5 }));
  const dataDir = join(scratch, "data");
  const launches = join(scratch, "launches.txt");
  const dbArgs: string[] = [];
  if (db === "postgres") {
    const pg = await createPostgresDatabase();
    cleanups.push(pg.drop);
    dbArgs.push("--db", pg.url);
  }
  let master: MasterProcess | null = null;
  const start = async () => {
    master = await startMasterProcess(dataDir, ["--slots", "2", "--stop-timeout", "2", ...dbArgs]);
    return master;
  };
  try {
    let m = await start();
    const config = withChanges(syntheticConfig("const.yaml"), {
      name: `faults-${db}`,
      // Every launch is written down with the URL it was given, whatever becomes of its master.
      entrypoint: `echo "$PUSHTUNE_ALLOCATION_ID [$PUSHTUNE_MASTER]" >> ${launches} && exec node train.js`,
      hyperparameters: {
        lr: { type: "log", minval: -3, maxval: -1, base: 10 },
        hidden: 128,
        optimizer: "adam",
        sleep_ms: 10,
      },
      searcher: {
        name: "random",
        metric: "validation_loss",
        max_length: batches(LENGTH),
        max_trials: TRIALS,
        max_concurrent_trials: 2,
      },
      min_validation_period: batches(VALIDATION_PERIOD),
      min_checkpoint_period: batches(VALIDATION_PERIOD),
      checkpoint_policy: "none",
      scheduling_unit: UNIT,
      max_restarts: 3,
      reproducibility: { experiment_seed: seed % 1000 },
    });
    const client = (): ApiClient => ({ api: (method, path, body) => m.call(method, path, body) });
    const { id } = await m.call<{ id: number }>("POST", "/experiments", {
      config,
      workdir: SYNTHETIC_DIR,
    });

    let kills = 0;
    while (kills < KILLS) {
      // Let trials run, then pull the plug at a random moment.
      const running = await waitFor("a trial running, or the end", async () => {
        const { state } = await experiment(client(), id);
        if (state !== "ACTIVE") return false;
        const trials = await trialDetails(client(), id);
        return trials.some((t) => t.running) ? true : null;
      });
      if (!running) break;
      const ms = Math.round(300 + random() * 1500);
      kills += 1;
      console.log(`faults (${db}): kill -9 number ${kills}, ${ms} ms after a trial ran`);
      await sleep(ms);
      if (kills === 2) await expectSecondMasterRefused(m, dataDir, scratch, dbArgs, client(), id);
      expect(await m.kill("SIGKILL")).toBe(null);
      m = await start();
    }
    expect(kills, `seed ${seed}: the search ended before ${KILLS} kills`).toBe(KILLS);

    const ended = await waitForEnd(client(), id, 120).catch(async (err: Error) => {
      // What was left undone, to tell a lost trial from a slow machine.
      const left = (await trialDetails(client(), id)).map((t) => ({
        id: t.id,
        state: t.state,
        running: t.running,
        restarts: t.restarts,
        ops: t.ops,
        allocations: t.allocations,
      }));
      throw new Error(
        `seed ${seed}: ${err.message}\ntrials: ${JSON.stringify(left)}\nmaster output:\n${m.output().slice(-4000)}`,
      );
    });
    expect(ended).toBe("COMPLETED");
    const trials = await trialDetails(client(), id);
    expect(trials).toHaveLength(TRIALS);
    const steps = (from: number, every: number) =>
      Array.from({ length: LENGTH / every }, (_, i) => from + i * every);
    for (const t of trials) {
      const where = `trial ${t.id} (seed ${seed})`;
      expect({ where, state: t.state, restarts: t.restarts }).toEqual({
        where,
        state: "COMPLETED",
        restarts: 0,
      });
      expect({ where, ops: t.ops.map((o) => [o.length, o.completed]) }).toEqual({
        where,
        ops: [[LENGTH, true]],
      });
      const training = await metricsOf(client(), t.id, "training");
      expect({ where, steps: training.map((r) => r.stepsCompleted) }).toEqual({
        where,
        steps: steps(UNIT, UNIT),
      });
      const validation = await metricsOf(client(), t.id, "validation");
      expect({ where, steps: validation.map((r) => r.stepsCompleted) }).toEqual({
        where,
        steps: steps(VALIDATION_PERIOD, VALIDATION_PERIOD),
      });
    }
    // Every process was launched with its master's URL. (A run handed over to a process
    // that asked for its next trial was not launched: the master answered its ask.)
    const launched = (await readFile(launches, "utf8")).trim().split("\n");
    for (const line of launched) expect(line).toMatch(/^\S+ \[http:\/\/127\.0\.0\.1:\d+\]$/);
    const allocations = new Set(trials.flatMap((t) => t.allocations.map((a) => a.id)));
    expect(launched.map((l) => l.split(" ")[0]).filter((a) => !allocations.has(a!))).toEqual([]);
  } finally {
    // A stop, not a kill: its trial processes go with it.
    await (master as MasterProcess | null)?.kill("SIGTERM");
    for (const f of cleanups.reverse()) await f().catch((err) => console.error(err));
  }
}

/**
 * A second master on the same data dir (SQLite) or the same database with a
 * data dir of its own (PostgreSQL) exits 1 at once with one line naming the
 * running master, and changes nothing: the admin token and every allocation
 * are as they were.
 */
async function expectSecondMasterRefused(
  running: MasterProcess,
  dataDir: string,
  scratch: string,
  dbArgs: string[],
  client: ApiClient,
  id: number,
): Promise<void> {
  const allocations = async () =>
    new Map(
      (await trialDetails(client, id)).flatMap((t) =>
        t.allocations.map((a) => [a.id, `${a.state} ${a.exitReason ?? ""}`] as const),
      ),
    );
  const before = await allocations();
  const token = await readFile(join(dataDir, "admin.token"), "utf8");
  const secondDir = dbArgs.length > 0 ? join(scratch, "second") : dataDir;
  const { code, output } = await runRefusedMaster(secondDir, dbArgs);
  expect(code).toBe(1);
  const lines = output.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(
    new RegExp(
      `^pushtune: another master holds .* \\(pid ${running.child.pid} on .*, port ${running.port}\\); stop it first$`,
    ),
  );
  expect(await readFile(join(dataDir, "admin.token"), "utf8")).toBe(token);
  // Nothing was killed or relaunched: what ran then has not ended since, except by itself.
  const after = await allocations();
  for (const [allocationId, was] of before) {
    const now = after.get(allocationId) ?? "gone";
    if (was.startsWith("TERMINATED")) expect(now).toBe(was);
    else expect(now).not.toMatch(/gone|lost|killed/);
  }
}
