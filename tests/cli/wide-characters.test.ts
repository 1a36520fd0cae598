import { describe, expect, it } from "vitest";
import { LiveRegion } from "../../src/cli/follow/live-region.js";
import { type Column, renderTable, truncate } from "../../src/cli/format/table.js";
import { displayWidth } from "../../src/cli/format/width.js";

/**
 * Columns a terminal gives `text`, counted here independently of the CLI:
 * CJK, Hangul and fullwidth forms and emoji take 2, combining marks 0.
 */
function columnsOf(text: string): number {
  let n = 0;
  for (const g of new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text)) {
    const s = g.segment;
    if (/\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(s)) n += 2;
    else if (
      /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uff01-\uff60]/u.test(
        s,
      )
    )
      n += 2;
    else n += 1;
  }
  return n;
}

/** No surrogate without its other half. */
const wellFormed = (text: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

/** The display column where `needle` starts in `line`. */
const columnOf = (line: string, needle: string) => columnsOf(line.slice(0, line.indexOf(needle)));

interface Row {
  name: string;
  state: string;
}

const columns: Column<Row>[] = [
  { header: "NAME", value: (r) => r.name, flex: true },
  { header: "STATE", value: (r) => r.state },
];

describe("wide characters take two columns, combining marks none", () => {
  it.each([
    ["plain ASCII", "abc", 3],
    ["CJK", "中文", 4],
    ["Hangul", "한국", 4],
    ["halfwidth katakana", "ｱｲ", 2],
    ["fullwidth letters", "ＡＢ", 4],
    ["an emoji", "🚀", 2],
    ["a newer emoji", "🫠", 2],
    ["a heart shown as an emoji", "❤️", 2],
    ["a heart shown as text", "❤", 1],
    ["a skin tone", "👍🏽", 2],
    ["a family joined by ZWJ", "👨‍👩‍👧", 2],
    ["a flag", "🇯🇵", 2],
    ["a combining acute accent", "e\u0301", 1],
    ["a Thai vowel sign", "ก\u0e31", 1],
    ["a zero-width space", "a\u200bb", 2],
  ])("%s", (_, text, width) => {
    expect(displayWidth(text)).toBe(width);
  });

  it("truncate never splits an emoji into halves", () => {
    const cut = truncate("🚀🚀🚀🚀", 5);
    expect(cut).toBe("🚀🚀…");
    expect(cut).not.toMatch(/\uFFFD/);
    expect(wellFormed(cut)).toBe(true);
    expect(truncate("🚀🚀🚀🚀", 4)).toBe("🚀…");
  });

  it("truncate counts CJK as two columns each, and a combining accent as none", () => {
    expect(truncate("日本語の名前", 7)).toBe("日本語…");
    expect(columnsOf(truncate("日本語の名前", 6))).toBeLessThanOrEqual(6);
    expect(truncate("cafe\u0301 ok", 7)).toBe("cafe\u0301 ok");
    expect(truncate("👍🏽👍🏽👍🏽", 5)).toBe("👍🏽👍🏽…");
  });

  it("table columns line up after names of wide characters", () => {
    const rows: Row[] = [
      { name: "plain", state: "ACTIVE" },
      { name: "実験の名前", state: "ACTIVE" },
      { name: "rocket 🚀 run", state: "ACTIVE" },
      { name: "e\u0301te\u0301", state: "ACTIVE" },
    ];
    const lines = renderTable(rows, columns, { width: null });
    const at = new Set(lines.slice(1).map((l) => columnOf(l, "ACTIVE")));
    expect(at.size).toBe(1);
    expect(columnOf(lines[0]!, "STATE")).toBe([...at][0]);
  });

  it("cut tables fit the width in columns, not in UTF-16 code units", () => {
    const rows: Row[] = [
      { name: "実験の名前がとても長い実験", state: "ACTIVE" },
      { name: "🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀", state: "ACTIVE" },
      { name: "a plain name that is long", state: "ACTIVE" },
    ];
    const lines = renderTable(rows, columns, { width: 20 });
    for (const l of lines) {
      expect(columnsOf(l)).toBeLessThanOrEqual(20);
      expect(wellFormed(l)).toBe(true);
    }
    expect(new Set(lines.slice(1).map((l) => columnOf(l, "ACTIVE"))).size).toBe(1);
  });

  it("the live region counts a line of wide characters by the rows it wraps to", () => {
    let out = "";
    const region = new LiveRegion(
      (t) => {
        out = t;
      },
      () => 80,
    );
    // 50 characters, 100 columns: two rows on an 80-column terminal.
    region.draw(["名".repeat(50)]);
    region.draw(["next"]);
    expect(out.startsWith("\u001b[2A\r\u001b[J")).toBe(true);
    region.draw(["🚀".repeat(41)]);
    region.draw(["next"]);
    expect(out.startsWith("\u001b[2A\r\u001b[J")).toBe(true);
  });
});
