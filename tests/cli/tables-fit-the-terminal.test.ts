import { describe, expect, it } from "vitest";
import { type Column, renderFields, renderTable, truncate } from "../../src/cli/format/table.js";
import { formatHparams, formatMetric, varyingHparams } from "../../src/cli/format/values.js";
import { mappingSpecs, mappingTrials } from "../protocol/support/mapping-hparams.js";

interface Row {
  id: number;
  name: string;
  hparams: string;
  when: string;
}

const rows: Row[] = [
  {
    id: 1,
    name: "short",
    hparams: "lr=0.001 hidden=64 dropout=0.2 optimizer=adam",
    when: "2026-01-01",
  },
  { id: 12, name: "a much longer name", hparams: "lr=0.1 hidden=512", when: "2026-01-02" },
];
const columns: Column<Row>[] = [
  { header: "ID", value: (r) => String(r.id), align: "right" },
  { header: "NAME", value: (r) => r.name },
  { header: "WHEN", value: (r) => r.when, optional: 1 },
  { header: "HPARAMS", value: (r) => r.hparams, flex: true },
];

describe("tables", () => {
  it("keep their natural widths when there is room, right-aligning numbers", () => {
    expect(renderTable(rows, columns, { width: null })).toEqual([
      "ID  NAME                WHEN        HPARAMS",
      " 1  short               2026-01-01  lr=0.001 hidden=64 dropout=0.2 optimizer=adam",
      "12  a much longer name  2026-01-02  lr=0.1 hidden=512",
    ]);
  });

  it("shrink the flexible column first, ending cut cells with …", () => {
    const lines = renderTable(rows, columns, { width: 60 });
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(60);
    expect(lines[1]).toBe(" 1  short               2026-01-01  lr=0.001 hidden=64 drop…");
    expect(lines[2]).toBe("12  a much longer name  2026-01-02  lr=0.1 hidden=512");
  });

  it("leave out optional columns before cutting the others", () => {
    const lines = renderTable(rows, columns, { width: 34 });
    expect(lines[0]).toBe("ID  NAME                HPARAMS");
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(34);
  });

  it("a flexible column keeps its min width while optional columns can be left out instead", () => {
    const roomy = columns.map((c) => (c.header === "HPARAMS" ? { ...c, min: 30 } : c));
    const lines = renderTable(rows, roomy, { width: 60 });
    expect(lines[0]).toBe("ID  NAME                HPARAMS");
    expect(lines[1]).toBe(" 1  short               lr=0.001 hidden=64 dropout=0.2 opti…");
  });

  it("cut fixed columns last, when nothing else is left", () => {
    const lines = renderTable(rows, columns, { width: 24 });
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(24);
    expect(lines[2]).toContain("…");
  });

  it("truncate keeps short text and marks cut text", () => {
    expect(truncate("abc", 5)).toBe("abc");
    expect(truncate("abcdef", 4)).toBe("abc…");
  });

  it("fields line up their values", () => {
    expect(
      renderFields([
        ["id", "7"],
        ["searcher", "random"],
      ]),
    ).toEqual(["id        7", "searcher  random"]);
  });
});

describe("compact values", () => {
  it("metrics have four significant digits, or an exponent when tiny or huge", () => {
    expect(formatMetric(0.123456)).toBe("0.1235");
    expect(formatMetric(12.5)).toBe("12.5");
    expect(formatMetric(0.0000123)).toBe("1.23e-5");
    expect(formatMetric(null)).toBe("–");
  });

  it("hyperparameters are key=value, nested groups with dots", () => {
    const hparams = { ...mappingTrials[1]!, lr: 0.00123456 };
    expect(formatHparams(hparams, mappingSpecs)).toBe(
      'lr=0.001235 optimizer={"name":"sgd","momentum":0.5} model.depth=2 model.head={"act":"relu","units":8}',
    );
  });

  it("only hyperparameters that differ between trials are worth a column", () => {
    expect(
      varyingHparams([
        { lr: 0.1, batch: 32 },
        { lr: 0.2, batch: 32 },
      ]),
    ).toEqual(new Set(["lr"]));
  });
});
