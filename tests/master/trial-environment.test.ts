/**
 * A trial process started by the local launcher sees an allow-list of the
 * master's environment, its own PUSHTUNE_* variables, thread counts sized to
 * its slots and its experiment's variables — never the rest of what the
 * master was started with.
 */
import { afterEach, describe, expect, test } from "vitest";
import { LocalLauncher } from "../../src/master/launcher/local-launcher.js";
import { THREAD_COUNT_NAMES } from "../../src/master/launcher/trial-env.js";

let launcher: LocalLauncher | null = null;
afterEach(async () => {
  await launcher?.close();
  launcher = null;
});

/** Runs `env` as a trial and returns the variables it printed. */
async function trialSees(
  masterEnv: NodeJS.ProcessEnv,
  trialEnv: Record<string, string>,
  slots = 1,
): Promise<Map<string, string>> {
  launcher = new LocalLauncher({ slots: 4, baseEnv: masterEnv });
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) =>
    launcher!.attach({
      log: (_a, _s, line) => lines.push(line),
      exited: () => resolve(),
    }),
  );
  await launcher.launch({
    allocationId: "a1",
    trialId: 1,
    experimentId: 1,
    workdir: "/tmp",
    entrypoint: "env",
    env: trialEnv,
    slots,
  });
  await exited;
  const seen = new Map<string, string>();
  for (const line of lines) {
    const eq = line.indexOf("=");
    if (eq > 0) seen.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return seen;
}

describe("a trial's environment", () => {
  test("a secret in the master's environment is not seen by the trial", async () => {
    const seen = await trialSees(
      { ...process.env, SECRET_X: "hunter2", AWS_SECRET_ACCESS_KEY: "k", PUSHTUNE_TOKEN: "admin" },
      { PUSHTUNE_TRIAL_ID: "1" },
    );
    expect(seen.has("SECRET_X")).toBe(false);
    expect(seen.has("AWS_SECRET_ACCESS_KEY")).toBe(false);
    expect(seen.get("PUSHTUNE_TRIAL_ID")).toBe("1");
    // The operator's own token stays with the master; a trial gets only its allocation's.
    expect(seen.has("PUSHTUNE_TOKEN")).toBe(false);
  });

  test("PATH, HOME, the locale and the time zone are passed through", async () => {
    const seen = await trialSees(
      {
        PATH: process.env.PATH,
        HOME: "/home/someone",
        LANG: "C.UTF-8",
        LC_NUMERIC: "de_DE.UTF-8",
        TZ: "Europe/Berlin",
        TMPDIR: "/var/tmp",
      },
      {},
    );
    expect(seen.get("HOME")).toBe("/home/someone");
    expect(seen.get("LANG")).toBe("C.UTF-8");
    expect(seen.get("LC_NUMERIC")).toBe("de_DE.UTF-8");
    expect(seen.get("TZ")).toBe("Europe/Berlin");
    expect(seen.get("TMPDIR")).toBe("/var/tmp");
  });

  test("the experiment's own variables and the PUSHTUNE_* ones win over the master's", async () => {
    const seen = await trialSees(
      { PATH: process.env.PATH, HOME: "/home/master" },
      { HOME: "/home/trial", MY_FLAG: "on", PUSHTUNE_MASTER: "http://127.0.0.1:1" },
    );
    expect(seen.get("HOME")).toBe("/home/trial");
    expect(seen.get("MY_FLAG")).toBe("on");
    expect(seen.get("PUSHTUNE_MASTER")).toBe("http://127.0.0.1:1");
  });

  test("the numerical libraries' thread pools are sized to the trial's slots", async () => {
    const seen = await trialSees({ PATH: process.env.PATH, OMP_NUM_THREADS: "8" }, {}, 2);
    for (const name of THREAD_COUNT_NAMES) expect(seen.get(name), name).toBe("2");
  });

  test("thread counts the experiment sets win, and its OMP_NUM_THREADS sizes the other libraries", async () => {
    const seen = await trialSees(
      { PATH: process.env.PATH },
      { OMP_NUM_THREADS: "3", MKL_NUM_THREADS: "5" },
      2,
    );
    expect(seen.get("OMP_NUM_THREADS")).toBe("3");
    expect(seen.get("MKL_NUM_THREADS")).toBe("5");
    expect(seen.get("OPENBLAS_NUM_THREADS")).toBe("3");
  });
});
