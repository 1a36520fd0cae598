/**
 * A master stopped between a trial's last completed operation and its
 * process's exit: the next master finds the allocation still live and stops
 * it. The trial's work is done and the searcher has closed it, so it ends
 * COMPLETED and its experiment with it, rather than waiting forever for an
 * operation that will never come.
 */
import { afterEach, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, TrialHandle } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test("a trial whose last op completed before its master died ends COMPLETED under the next master", async () => {
  tm = await startTestMaster({ slots: 1 });
  const { searcher } = ashaConfig();
  const config = {
    ...ashaConfig(),
    searcher: { name: "single", metric: searcher.metric, max_length: { batches: 50 } },
  };
  const created = await tm.admin.post<{ id: number }>("/experiments", { config, workdir: "/tmp" });
  await tm.settle();
  const [spec] = running(tm);
  if (!spec) throw new Error("no trial running");
  const done = await new TrialHandle(tm, spec).complete(50, 0.25);
  expect(done.body).toEqual({ op: null, completed: true });

  // The master dies before the process exits or asks for its next trial.
  await tm.restart();

  const exp = await tm.admin.get<{ state: string }>(`/experiments/${created.body.id}`);
  const trial = await tm.admin.get<{ state: string; restarts: number }>(`/trials/${spec.trialId}`);
  expect({
    experiment: exp.body.state,
    trial: trial.body.state,
    restarts: trial.body.restarts,
  }).toEqual({
    experiment: "COMPLETED",
    trial: "COMPLETED",
    restarts: 0,
  });
  expect(running(tm)).toEqual([]);
});
