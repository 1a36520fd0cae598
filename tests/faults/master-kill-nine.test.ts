import { test } from "vitest";
import { killNineUnderLoad } from "./support/kill-nine-under-load.js";

test("a master killed with -9 at random moments under load on SQLite loses no trial, no metric and no URL, and a second master is refused", async () => {
  await killNineUnderLoad("sqlite");
}, 180_000);
