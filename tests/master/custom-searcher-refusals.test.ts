/**
 * Operations a custom searcher may not post: each is a 4xx naming what was
 * wrong with it (the field of the wrong shape, the hyperparameter outside
 * the space, the trial still training), and nothing is stored.
 */
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { newCustomSearch, postOperations } from "./support/custom-search.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
let id: number;

const post = (body: Record<string, unknown>) => postOperations(tm, id, body);
const hp = (lr: number) => ({ lr, layers: 2, opt: "adam" });

beforeEach(async () => {
  tm = await startTestMaster({ slots: 4 });
  id = await newCustomSearch(tm);
});
afterEach(async () => tm.close());

describe("operations a custom searcher may not post", () => {
  test("bad operations are refused with every problem named, and change nothing", async () => {
    const res = await post({
      lastEventId: 1,
      operations: [
        { type: "create", requestId: 3, hparams: { lr: 5, layers: 2.5, opt: "rmsprop", extra: 1 } },
        { type: "validateAfter", requestId: 3, length: 5000 },
        { type: "close", requestId: 9 },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("INVALID_OPERATION");
    const message = res.body.error!.message;
    for (const part of [
      "operations[0].requestId: must be 1, the next request id",
      "operations[0].hparams.lr: must be a number from 10^-4 to 10^-1, got 5",
      "operations[0].hparams.layers: must be an integer in [1, 4]",
      'operations[0].hparams.opt: must be one of ["adam","sgd"]',
      "operations[0].hparams.extra: not a hyperparameter of this experiment",
      "operations[1].length: 5000 is beyond searcher.max_length (1000 batches)",
      "operations[2].requestId: no trial with request id 9",
    ])
      expect(message).toContain(part);
    expect(await tm.store.listTrials({ experimentId: id })).toEqual([]);
    const unknownEvent = await post({ lastEventId: 99, operations: [{ type: "shutdown" }] });
    expect(unknownEvent.status).toBe(400);
    expect(unknownEvent.body.error?.message).toContain("lastEventId: 99");
    const later = await post({ lastEventId: 1, operations: [], progress: 2 });
    expect(later.status).toBe(400);
  });

  test("an operation of the wrong shape is refused naming only what is wrong with it", async () => {
    const zero = await post({
      lastEventId: 1,
      operations: [{ type: "validateAfter", requestId: 1, length: 0 }],
    });
    expect(zero.status).toBe(400);
    expect(zero.body.error?.message).toBe("body/operations/0/length: must be >= 1");
    const unknown = await post({ lastEventId: 1, operations: [{ type: "train", requestId: 1 }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.message).toBe(
      'body/operations/0/type: must be one of "create", "validateAfter", "close", "shutdown"',
    );
    const second = await post({
      lastEventId: 1,
      operations: [
        { type: "create", requestId: 1, hparams: hp(0.01) },
        { type: "close", requestId: 1, length: 5 },
      ],
    });
    expect(second.body.error?.message).toBe(
      "body/operations/1/length: is not a property of this object; body/operations/1: must not have additional properties",
    );
    for (const [operation, message] of [
      [{ type: "shutdown", cancel: "yes" }, "body/operations/0/cancel: must be boolean"],
      [5, "body/operations/0: must be object"],
    ] as const) {
      const res = await post({ lastEventId: 1, operations: [operation] });
      expect(res.body.error?.message).toBe(message);
    }
    expect(await tm.store.listTrials({ experimentId: id })).toEqual([]);
  });

  test("a second validateAfter before the first is reported is refused", async () => {
    const ops = [
      { type: "create", requestId: 1, hparams: hp(0.01) },
      { type: "validateAfter", requestId: 1, length: 100 },
      { type: "validateAfter", requestId: 1, length: 200 },
    ];
    const res = await post({ lastEventId: 1, operations: ops });
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toContain("operations[2]: trial 1 is still training to 100");
  });
});
