/**
 * In the web UI's trials table, compare view and trial page, a categorical of
 * mixed types shows each choice as itself: the string "1" quoted, the number
 * 1 bare, as the CLI shows them.
 */
import { describe, expect, test } from "vitest";
import { formatValue } from "../../src/web/format.js";

describe("a hyperparameter value in the web UI", () => {
  test("is quoted when it is a string that reads as a number, true, false or null", () => {
    expect(["1", "1e-6", "true", "false", "null", '"two"'].map(formatValue)).toEqual([
      '"1"',
      '"1e-6"',
      '"true"',
      '"false"',
      '"null"',
      '"\\"two\\""',
    ]);
  });

  test("is bare for any other string, and for a number, a boolean or null", () => {
    expect(["two", "relu 2", "", "[1]", 1, true, null].map(formatValue)).toEqual([
      "two",
      "relu 2",
      "",
      "[1]",
      "1",
      "true",
      "null",
    ]);
  });
});
