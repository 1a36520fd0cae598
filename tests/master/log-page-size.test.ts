/**
 * A page of logs holds at most PAGE_BYTES bytes of line text (and
 * at least one line): 10,000 lines of 64 KiB would be too big to send, or to
 * build as one string. A page cut short says `truncated`, and reading on from
 * `next` gets every line once, in order.
 */
import { afterEach, expect, test } from "vitest";
import { type LogPage, PAGE_BYTES } from "../../src/protocol/api/resources.js";
import { singleConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

const LINE = 65_536;
const LINES = Math.ceil((3 * PAGE_BYTES) / LINE);

async function trialWithLongLines(): Promise<number> {
  tm = await startTestMaster({ slots: 1 });
  await createExperiment(tm, singleConfig("log-pages"));
  await tm.settle();
  const { body } = await tm.admin.get<{ trials: { id: number }[] }>("/experiments/1/trials");
  const trialId = body.trials[0]!.id;
  await tm.store.addLogs(
    Array.from({ length: LINES }, (_, i) => ({
      trialId,
      allocationId: null,
      time: new Date(),
      stream: "stdout" as const,
      line: `${i} `.padEnd(LINE, "x"),
    })),
  );
  return trialId;
}

const chars = (page: LogPage) => page.logs.reduce((n, l) => n + l.line.length, 0);

test("a page of long lines stops at the size bound, and reading on gets every line once", async () => {
  const trialId = await trialWithLongLines();
  const seen: number[] = [];
  let after = 0;
  for (let pages = 0; ; pages++) {
    expect(pages).toBeLessThan(LINES);
    const res = await tm.admin.get<LogPage>(`/trials/${trialId}/logs?after=${after}&limit=10000`);
    expect(res.status).toBe(200);
    const page = res.body;
    expect(chars(page)).toBeLessThanOrEqual(PAGE_BYTES);
    seen.push(...page.logs.map((l) => Number(l.line.split(" ")[0])));
    after = page.next!;
    if (!page.truncated) break;
    expect(page.logs.length).toBeGreaterThan(0);
  }
  expect(seen).toEqual(Array.from({ length: LINES }, (_, i) => i));
});

test("a tail of long lines keeps the newest lines that fit and says the rest was left out", async () => {
  const trialId = await trialWithLongLines();
  const res = await tm.admin.get<LogPage>(`/trials/${trialId}/logs?tail=${LINES}`);
  expect(res.status).toBe(200);
  expect(res.body.truncated).toBe(true);
  expect(chars(res.body)).toBeLessThanOrEqual(PAGE_BYTES);
  expect(res.body.logs.at(-1)!.line.startsWith(`${LINES - 1} `)).toBe(true);
});

test("a line longer than the bound is still sent, alone", async () => {
  tm = await startTestMaster({ slots: 1 });
  await createExperiment(tm, singleConfig("log-pages"));
  await tm.settle();
  const { body } = await tm.admin.get<{ trials: { id: number }[] }>("/experiments/1/trials");
  const trialId = body.trials[0]!.id;
  const long = "y".repeat(PAGE_BYTES + 1);
  const line = { trialId, allocationId: null, time: new Date(), stream: "stdout" as const };
  await tm.store.addLogs([
    { ...line, line: long },
    { ...line, line: "after" },
  ]);
  const first = await tm.admin.get<LogPage>(`/trials/${trialId}/logs`);
  expect(first.body.logs.map((l) => l.line.length)).toEqual([long.length]);
  expect(first.body.truncated).toBe(true);
  const rest = await tm.admin.get<LogPage>(`/trials/${trialId}/logs?after=${first.body.next}`);
  expect(rest.body.logs.map((l) => l.line)).toEqual(["after"]);
  expect(rest.body.truncated).toBe(false);
});
