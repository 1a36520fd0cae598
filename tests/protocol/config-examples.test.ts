import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { formatConfigErrors, parseExperimentConfigYaml } from "../../src/protocol/config/index.js";

const examplesDir = fileURLToPath(new URL("../../examples/configs/", import.meta.url));

function parseExample(file: string) {
  const result = parseExperimentConfigYaml(readFileSync(`${examplesDir}${file}`, "utf8"));
  if (!result.ok) throw new Error(`${file}:\n${formatConfigErrors(result.errors)}`);
  return result.config;
}

describe("the example configs", () => {
  test.each([
    ["asha.yaml", "async_halving"],
    ["adaptive.yaml", "adaptive_asha"],
    ["grid.yaml", "grid"],
    ["random.yaml", "random"],
    ["single.yaml", "single"],
    ["tpe.yaml", "tpe"],
    ["pbt.yaml", "pbt"],
  ])("%s parses as a %s search", (file, method) => {
    const config = parseExample(file);
    expect(config.searcher.name).toBe(method);
    expect(config.entrypoint).toBe("node train.js");
  });

  test("asha.yaml is the worked example of DESIGN §3", () => {
    expect(parseExample("asha.yaml").searcher).toMatchObject({
      name: "async_halving",
      num_rungs: 3,
      divisor: 3,
      max_trials: 12,
      max_length: { unit: "batches", value: 9000 },
    });
  });

  test("adaptive.yaml searches a log, an int, a double and a categorical hyperparameter", () => {
    const { hyperparameters, searcher } = parseExample("adaptive.yaml");
    expect(searcher).toMatchObject({ max_trials: 16 });
    expect(hyperparameters.lr?.type).toBe("log");
    expect(hyperparameters.hidden?.type).toBe("int");
    expect(hyperparameters.dropout?.type).toBe("double");
    expect(hyperparameters.optimizer?.type).toBe("categorical");
  });
});
