import fc from "fast-check";
import { describe, it } from "vitest";
import { drive, scriptStep } from "./support/driver.js";
import { pbtExperiment } from "./support/pbt-configs.js";

/**
 * The invariants every searcher keeps under any order of events (see
 * `searcher-invariants.test.ts`: snapshot round trips, purity, progress,
 * concurrency, shutdown, and replaying the events rebuilds the state), for
 * population-based training: rounds, early exits and warm-started trials.
 */
describe("searcher invariants with pbt under any order of events", () => {
  it("hold for pbt", () => {
    fc.assert(
      fc.property(
        pbtExperiment,
        fc.array(scriptStep, { maxLength: 400, size: "max" }),
        (config, script) => {
          drive(config, script);
        },
      ),
      { numRuns: 150 },
    );
  });
});
