/**
 * Pushes that trials send at the same time, on either store: each lands as if
 * it had come alone. PostgreSQL runs the requests' transactions side by side
 * (READ COMMITTED), so a read-then-write there loses one of two writes unless
 * the write itself settles who wins. The races are timing-dependent, so each
 * test repeats its round of requests; none of them asserts a timing.
 * Run by one test file per store.
 */
import { randomUUID } from "node:crypto";
import { afterEach, expect, test } from "vitest";
import { GroupCommit } from "../../../src/master/app/group-commit.js";
import { randomConfig } from "./configs.js";
import { startTestMaster, type TestMaster } from "./harness.js";
import { running, TrialHandle } from "./trial.js";

const ROUNDS = 20;

export function describeConcurrentPushes(db: "sqlite" | "postgres"): void {
  let tm: TestMaster;
  afterEach(async () => tm?.close());

  async function experiment(length: number): Promise<{ id: number; trials: TrialHandle[] }> {
    tm = await startTestMaster({ db, slots: 2 });
    const res = await tm.admin.post<{ id: number }>("/experiments", {
      config: randomConfig(length, 2),
      workdir: "/tmp",
    });
    expect(res.status).toBe(201);
    await tm.settle();
    return { id: res.body.id, trials: running(tm).map((s) => new TrialHandle(tm, s)) };
  }

  const bestMetric = async (id: number) => (await tm.store.getExperiment(id))?.bestMetric;
  const bestValidation = async (t: TrialHandle) => (await tm.store.getTrial(t.id))?.bestValidation;

  test("validations two trials push at once leave the experiment the better of them", async () => {
    const { id, trials } = await experiment(1000);
    const [a, b] = trials;
    if (!a || !b) throw new Error("two trials should run");
    const wrong: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Each round beats every round before it; a is better than b.
      const better = 100 - 2 * round - 1;
      const answers = await Promise.all([
        a.metrics("validation", round + 1, { validation_loss: better }),
        b.metrics("validation", round + 1, { validation_loss: better + 1 }),
      ]);
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
      const best = await bestMetric(id);
      if (best !== better) wrong.push(`round ${round}: ${best}, not ${better}`);
    }
    expect(wrong).toEqual([]);
    expect(await bestValidation(a)).toBe(100 - 2 * ROUNDS + 1);
    expect(await bestValidation(b)).toBe(100 - 2 * ROUNDS + 2);
  });

  test("a completed operation and validations pushed meanwhile leave the trial and the experiment the best of them", async () => {
    const { id } = await experiment(10);
    const wrong: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = running(tm).map((s) => new TrialHandle(tm, s));
      if (!a || !b) throw new Error("two trials should run");
      const better = 100 - 2 * round - 1;
      const worse = { validation_loss: better + 1 };
      // a's completion carries the best result; a itself and b push worse ones at the same time.
      const answers = await Promise.all([
        a.api.post(`/trials/${a.id}/searcher/completed_operation`, {
          op: { length: 10 },
          searcherMetric: better,
        }),
        a.metrics("validation", 5, worse),
        b.metrics("validation", 5, worse),
      ]);
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
      const [experimentBest, trialBest] = [await bestMetric(id), await bestValidation(a)];
      if (experimentBest !== better || trialBest !== better)
        wrong.push(
          `round ${round}: experiment ${experimentBest}, trial ${trialBest}, not ${better}`,
        );
      // b ends no better; both make way for the next round's trials.
      expect((await b.complete(10, 1000)).status).toBe(200);
      await a.exit(0);
      await b.exit(0);
    }
    expect(wrong).toEqual([]);
  });

  test("a checkpoint reported twice at once is registered once, and both reports are answered 200", async () => {
    const { trials } = await experiment(1000);
    const [a] = trials;
    if (!a) throw new Error("a trial should run");
    for (let round = 0; round < ROUNDS; round++) {
      const report = {
        uuid: randomUUID(),
        trialId: a.id,
        stepsCompleted: round + 1,
        resources: { "weights.bin": 16 },
        metadata: { round },
      };
      const answers = await Promise.all([
        a.api.post("/checkpoints", report),
        a.api.post("/checkpoints", report),
      ]);
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
      expect((await tm.store.getTrial(a.id))?.latestCheckpointUuid).toBe(report.uuid);
    }
    expect(await tm.store.listCheckpoints({ trialId: a.id })).toHaveLength(ROUNDS);
  });

  test("two different checkpoints reported at once under one uuid: one is registered, the other is a conflict", async () => {
    const { trials } = await experiment(1000);
    const [a] = trials;
    if (!a) throw new Error("a trial should run");
    for (let round = 0; round < ROUNDS; round++) {
      const uuid = randomUUID();
      const report = (steps: number) => ({
        uuid,
        trialId: a.id,
        stepsCompleted: steps,
        resources: { "weights.bin": 16 },
        metadata: {},
      });
      const answers = await Promise.all([
        a.api.post<{ error?: { code: string } }>("/checkpoints", report(10)),
        a.api.post<{ error?: { code: string } }>("/checkpoints", report(20)),
      ]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(answers.find((r) => r.status === 409)?.body.error?.code).toBe("CHECKPOINT_EXISTS");
    }
  });

  test("progress reported twice at once leaves the trial as far as the further report", async () => {
    const { trials } = await experiment(1000);
    const [a] = trials;
    if (!a) throw new Error("a trial should run");
    const wrong: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // A report and a late one behind it, both further than the round before.
      const [further, behind] = [10 * round + 10, 10 * round + 5];
      const answers = await Promise.all([
        a.api.post(`/trials/${a.id}/progress`, { progress: further }),
        a.api.post(`/trials/${a.id}/progress`, { progress: behind }),
      ]);
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
      const trained = (await tm.store.getTrial(a.id))?.lengthTrained;
      if (trained !== further) wrong.push(`round ${round}: ${trained}, not ${further}`);
    }
    expect(wrong).toEqual([]);
  });

  test("a push that fails in a group commit fails alone and leaves nothing behind", async () => {
    const { trials } = await experiment(1000);
    const [a] = trials;
    if (!a) throw new Error("a trial should run");
    const group = new GroupCommit(tm.store);
    const report = (steps: number) => [
      {
        group: "training" as const,
        stepsCompleted: steps,
        metrics: { loss: 1 },
        reportTime: new Date(),
      },
    ];
    const answers = await Promise.allSettled([
      group.submit((tx) => tx.addMetrics(a.id, a.runId, report(1))),
      // Writes, then meets a statement the database refuses: a line of a trial that does not exist.
      group.submit(async (tx) => {
        await tx.addMetrics(a.id, a.runId, report(2));
        await tx.addLogs([
          {
            trialId: 987_654_321,
            allocationId: null,
            time: new Date(),
            stream: "stdout",
            line: "x",
          },
        ]);
      }),
      // Writes, then fails in the master's own code.
      group.submit(async (tx) => {
        await tx.addMetrics(a.id, a.runId, report(3));
        throw new Error("refused after writing");
      }),
      group.submit((tx) => tx.addMetrics(a.id, a.runId, report(4))),
    ]);
    expect(answers.map((r) => r.status)).toEqual([
      "fulfilled",
      "rejected",
      "rejected",
      "fulfilled",
    ]);
    expect((answers[2] as PromiseRejectedResult).reason).toEqual(
      new Error("refused after writing"),
    );
    // A push alone is its own transaction, undone as a whole.
    const alone = group.submit(async (tx) => {
      await tx.addMetrics(a.id, a.runId, report(5));
      throw new Error("refused alone");
    });
    await expect(alone).rejects.toThrow("refused alone");
    const stored = await tm.store.listMetrics({ trialId: a.id, limit: 10 });
    expect(stored.map((m) => m.stepsCompleted)).toEqual([1, 4]);
  });
}
