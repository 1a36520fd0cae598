/**
 * An experiment's ETA (`etaSeconds`): elapsed time scaled by the progress
 * still to make, unknown (null) before any progress and when the progress
 * is so small that the estimate would not be a finite number; the experiment
 * reads either way.
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
