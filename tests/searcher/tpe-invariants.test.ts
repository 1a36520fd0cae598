import fc from "fast-check";
import { describe, it } from "vitest";
import { tpeExperiment } from "./support/arbitraries.js";
import { drive, scriptStep } from "./support/driver.js";

/**
 * The invariants every searcher keeps under any order of events (see
 * `searcher-invariants.test.ts`: snapshot round trips, purity, progress,
 * concurrency, shutdown, and replaying the events rebuilds the state), for
 * the searches that sample with TPE: their model is part of the state too.
 */
describe("searcher invariants with TPE under any order of events", () => {
  it("hold for tpe and for ASHA with sampler: tpe", () => {
    fc.assert(
      fc.property(
        tpeExperiment,
        fc.array(scriptStep, { maxLength: 400, size: "max" }),
        (config, script) => {
          drive(config, script);
        },
      ),
      { numRuns: 150 },
    );
  });
});
