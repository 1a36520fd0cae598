/**
 * A master started again on a search long enough to have a searcher snapshot
 * rebuilds its searcher from the snapshot and the events after it (the
 * snapshot is read on its own, not with the experiment), and ends the search
 * as a master that never stopped does.
 */
import { expect, test } from "vitest";
import { checkRecoveryAfter } from "./recovery.js";
import { ashaConfig } from "./support/configs.js";

test("recovery from a searcher snapshot ends with the same trials and lengths", async () => {
  const config = ashaConfig({}, { max_trials: 90, max_concurrent_trials: 3 });
  const seen: number[] = [];
  await checkRecoveryAfter([205, 225], config, async (tm, id) => {
    const snapshot = await tm.store.getSearcherSnapshot(id);
    expect(snapshot).not.toBeNull();
    seen.push(snapshot!.seq);
  });
  // A snapshot covered the first 200 events or more when each restart came.
  expect(seen.every((seq) => seq >= 200)).toBe(true);
});
