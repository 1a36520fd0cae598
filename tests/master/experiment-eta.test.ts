/**
 * An experiment's ETA (`etaSeconds`): elapsed time scaled by the progress
 * still to make, unknown (null) before any progress and when the progress
 * is so small that the estimate would not be a finite number; the experiment
 * reads either way. A paused or stopping experiment has none: it is not
 * heading for done.
 */
import { expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster } from "./support/harness.js";

test("a progress too small to divide by leaves the ETA unknown, and the experiment still reads", async () => {
  const tm = await startTestMaster({ slots: 1 });
  try {
    const created = await tm.admin.post<{ id: number }>("/experiments", {
      config: ashaConfig(),
      workdir: "/tmp",
    });
    await tm.settle();
    const spec = [...tm.launcher.live.values()][0]!;
    const trial = tm.as(spec.env.PUSHTUNE_TOKEN!);
    const read = () =>
      tm.admin.get<{ progress: number; etaSeconds: number | null }>(
        `/experiments/${created.body.id}`,
      );
    expect((await read()).body.etaSeconds).toBeNull();

    // Elapsed seconds over a progress of about 1e-313 is more than a double holds.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const tiny = await trial.post(`/trials/${spec.trialId}/progress`, { progress: 1e-310 });
    expect(tiny.status).toBe(200);
    const afterTiny = await read();
    expect(afterTiny.status).toBe(200);
    expect(afterTiny.body.progress).toBeGreaterThan(0);
    expect(afterTiny.body.etaSeconds).toBeNull();

    await trial.post(`/trials/${spec.trialId}/progress`, { progress: 10 });
    const later = await read();
    expect(later.status).toBe(200);
    expect(later.body.etaSeconds).toBeGreaterThan(0);
    expect(Number.isFinite(later.body.etaSeconds)).toBe(true);
  } finally {
    await tm.close();
  }
});

test("a paused or stopping experiment has no ETA; activated again it has one", async () => {
  const tm = await startTestMaster({ slots: 1 });
  try {
    const created = await tm.admin.post<{ id: number }>("/experiments", {
      config: ashaConfig(),
      workdir: "/tmp",
    });
    const id = created.body.id;
    await tm.settle();
    const spec = [...tm.launcher.live.values()][0]!;
    await tm.as(spec.env.PUSHTUNE_TOKEN!).post(`/trials/${spec.trialId}/progress`, {
      progress: 10,
    });
    const read = async () =>
      (await tm.admin.get<{ state: string; etaSeconds: number | null }>(`/experiments/${id}`)).body;
    expect((await read()).etaSeconds).toBeGreaterThan(0);

    expect((await tm.admin.post(`/experiments/${id}/pause`)).status).toBe(200);
    expect(await read()).toMatchObject({ state: "PAUSED", etaSeconds: null });
    expect((await tm.admin.post(`/experiments/${id}/activate`)).status).toBe(200);
    expect((await read()).etaSeconds).toBeGreaterThan(0);

    // Its trial still runs, so the cancel waits for it.
    expect((await tm.admin.post(`/experiments/${id}/cancel`)).status).toBe(200);
    expect(await read()).toMatchObject({ state: "STOPPING_CANCELED", etaSeconds: null });
  } finally {
    await tm.close();
  }
});
