import { test } from "vitest";
import { checkRecoveryAtEveryStep } from "./recovery.js";

test("an ASHA experiment stopped after any step on SQLite finishes exactly as an uninterrupted one", async () => {
  await checkRecoveryAtEveryStep("sqlite");
}, 300_000);
