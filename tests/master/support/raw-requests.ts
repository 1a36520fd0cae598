/**
 * Requests as raw text, for what a typed client could not send (a lone
 * surrogate's escape, numbers past 2^53, JSON nested thousands deep), against
 * a test master with one running trial of an ASHA search.
 */
import { ashaConfig } from "./configs.js";
import { startTestMaster, type TestMaster } from "./harness.js";

export interface RawAnswer {
  status: number;
  body: { error?: { code: string; message: string } };
}

export interface OneRunningTrial {
  tm: TestMaster;
  experimentId: number;
  trialId: number;
  allocationId: string;
  /** The trial's own token. */
  token: string;
}

export async function oneRunningTrial(db: "sqlite" | "postgres"): Promise<OneRunningTrial> {
  const tm = await startTestMaster({ db, slots: 1 });
  const created = await tm.admin.post<{ id: number }>("/experiments", {
    config: ashaConfig(),
    workdir: "/tmp",
  });
  await tm.settle();
  const spec = [...tm.launcher.live.values()][0]!;
  return {
    tm,
    experimentId: created.body.id,
    trialId: spec.trialId,
    allocationId: spec.allocationId,
    token: spec.env.PUSHTUNE_TOKEN!,
  };
}

/** `payload` as the body's text, with the bearer `auth` when given. */
export async function sendRaw(
  tm: TestMaster,
  method: "GET" | "POST",
  url: string,
  payload?: string,
  auth?: string,
): Promise<RawAnswer> {
  const res = await tm.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: {
      ...(auth === undefined ? {} : { authorization: `Bearer ${auth}` }),
      ...(payload === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(payload === undefined ? {} : { payload }),
  });
  return { status: res.statusCode, body: res.json() } as RawAnswer;
}
