import { describe, expect, it } from "vitest";
import { sampleHParams } from "../../src/searcher/hparams.js";
import { seedRng } from "../../src/searcher/rng.js";

describe("hyperparameter sampling", () => {
  const specs = {
    units: { type: "int" as const, minval: 2, maxval: 4 },
    dropout: { type: "double" as const, minval: 0.1, maxval: 0.2 },
    lr: { type: "log" as const, minval: -4, maxval: -2, base: 10 },
    opt: { type: "categorical" as const, vals: ["adam", "sgd", "rmsprop"] },
    batch: { type: "const" as const, val: 64 },
    model: {
      type: "object" as const,
      fields: { depth: { type: "int" as const, minval: 1, maxval: 1 } },
    },
  };

  it("draws each kind from its domain, ints inclusive at both ends", () => {
    const rng = seedRng(1);
    const seen = { units: new Set<number>(), opt: new Set<string>() };
    for (let i = 0; i < 500; i++) {
      const h = sampleHParams(specs, rng);
      const units = h.units as number;
      const dropout = h.dropout as number;
      const lr = h.lr as number;
      expect(Number.isInteger(units) && units >= 2 && units <= 4).toBe(true);
      expect(dropout >= 0.1 && dropout < 0.2).toBe(true);
      expect(lr >= 1e-4 && lr <= 1e-2).toBe(true);
      expect(h.batch).toBe(64);
      expect(h.model).toEqual({ depth: 1 });
      seen.units.add(units);
      seen.opt.add(h.opt as string);
    }
    expect([...seen.units].sort()).toEqual([2, 3, 4]);
    expect([...seen.opt].sort()).toEqual(["adam", "rmsprop", "sgd"]);
  });

  it("is reproducible from the seed", () => {
    expect(sampleHParams(specs, seedRng(5))).toEqual(sampleHParams(specs, seedRng(5)));
    expect(sampleHParams(specs, seedRng(5))).not.toEqual(sampleHParams(specs, seedRng(6)));
  });
});
