import { expect, test } from "vitest";
import { parseExperimentConfig } from "../../src/protocol/config/index.js";
import { MAX_TIMER_SECONDS } from "../../src/protocol/timers.js";
import { cfg } from "./support/config-builders.js";

function errorsOf(input: unknown) {
  const result = parseExperimentConfig(input);
  return result.ok ? [] : result.errors;
}

test("a preemption_timeout longer than a timer holds is refused, naming the field", () => {
  const errors = errorsOf(cfg({ preemption_timeout: 3_000_000 }));
  expect(errors).toEqual([
    {
      path: "preemption_timeout",
      message: `must be at most ${MAX_TIMER_SECONDS.toLocaleString("en-US")}, got 3000000`,
    },
  ]);
});

test("the longest preemption_timeout a timer holds is accepted", () => {
  const result = parseExperimentConfig(cfg({ preemption_timeout: MAX_TIMER_SECONDS }));
  expect(result.ok && result.config.preemption_timeout).toBe(MAX_TIMER_SECONDS);
});

test.each([-1, 1.5, "300"])("a preemption_timeout of %j is refused", (value) => {
  expect(errorsOf(cfg({ preemption_timeout: value })).map((e) => e.path)).toEqual([
    "preemption_timeout",
  ]);
});
