import { test } from "vitest";
import { checkRecoveryAtEveryStep } from "./recovery.js";

test("an ASHA experiment stopped after any step on PostgreSQL finishes exactly as an uninterrupted one", async () => {
  await checkRecoveryAtEveryStep("postgres");
}, 600_000);
