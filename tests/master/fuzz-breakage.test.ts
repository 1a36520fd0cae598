/**
 * The route fuzz's breakages: raw JSON text is shared by every case that
 * draws it, so a breakage must treat it as a leaf and never change it.
 */
import { describe, expect, test } from "vitest";
import { breakAt, RawJson, toJson } from "./support/fuzz/breakage.js";

describe("breakAt on a value holding raw JSON text", () => {
  const raw = new RawJson('[{"x":1}]');
  // Places, the root first: [], ["a"], ["b"].
  const value = { a: raw, b: 1 };

  test("removing a key at the raw text's place leaves the text as it was", () => {
    const broken = breakAt(value, { kind: "removeKey", at: 1, pick: 0 });
    expect(raw.text).toBe('[{"x":1}]');
    expect(toJson(broken)).toBe('{"a":[{"x":1}],"b":1}');
  });

  test("adding a key there leaves it as it was too", () => {
    const broken = breakAt(value, { kind: "addKey", at: 1, key: "__proto__", value: 2 });
    expect(Object.keys(raw)).toEqual(["text"]);
    expect(toJson(broken)).toBe('{"a":[{"x":1}],"b":1}');
  });

  test("a key is still removed from an object", () => {
    expect(toJson(breakAt(value, { kind: "removeKey", at: 0, pick: 1 }))).toBe('{"a":[{"x":1}]}');
  });
});
