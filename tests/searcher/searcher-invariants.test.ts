import fc from "fast-check";
import { describe, it } from "vitest";
import type { SearcherConfig } from "../../src/protocol/config/types.js";
import { experiment } from "./support/arbitraries.js";
import { drive, scriptStep } from "./support/driver.js";

/**
 * For any small config and any order of events, after every event: the
 * snapshot round trip is byte-identical, stepSearcher leaves its input alone,
 * progress is in [0, 1], never goes down and is 1 exactly after shutdown, no
 * op targets a closed trial, late events are ignored, and busy trials stay
 * within max_concurrent_trials; in the end every created trial is finished,
 * shutdown came exactly once, and replaying the events rebuilds the state.
 */
describe("searcher invariants under any order of events", () => {
  const methods: SearcherConfig["name"][] = [
    "single",
    "random",
    "grid",
    "async_halving",
    "adaptive_asha",
  ];
  for (const name of methods) {
    it(`hold for ${name}`, () => {
      fc.assert(
        fc.property(
          experiment.filter((c) => c.searcher.name === name),
          fc.array(scriptStep, { maxLength: 400, size: "max" }),
          (config, script) => {
            drive(config, script);
          },
        ),
        { numRuns: 100 },
      );
    });
  }
});
