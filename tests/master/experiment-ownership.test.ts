/**
 * Experiments belong to the user who created them: everyone may read them,
 * only the owner and admins may change them or see their environment
 * variables.
 */

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { experimentConfigToInput } from "../../src/protocol/config/to-input.js";
import type { ExperimentConfig } from "../../src/protocol/config/types.js";
import { ashaConfig, customConfig } from "./support/configs.js";
import { type Client, startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
let alice: Client;
let bob: Client;

async function newUser(name: string, admin = false): Promise<Client> {
  const res = await tm.admin.post<{ token: string }>("/users", { username: name, admin });
  expect(res.status).toBe(201);
  return tm.as(res.body.token);
}

async function aliceExperiment(overrides: Record<string, unknown> = {}): Promise<number> {
  const res = await alice.post<{ id: number }>("/experiments", {
    config: ashaConfig(overrides),
    workdir: "/tmp",
  });
  expect(res.status).toBe(201);
  await tm.settle();
  return res.body.id;
}

beforeAll(async () => {
  tm = await startTestMaster({ slots: 100 });
  alice = await newUser("alice");
  bob = await newUser("bob");
});
afterAll(async () => tm.close());

describe("experiment ownership", () => {
  test("an experiment shows the user who created it as its owner", async () => {
    const id = await aliceExperiment();
    const me = await alice.get<{ id: number }>("/me");
    const detail = await bob.get<{ owner: unknown }>(`/experiments/${id}`);
    expect(detail.body.owner).toEqual({ id: me.body.id, username: "alice" });
    const list = await bob.get<{ experiments: { id: number; owner: unknown }[] }>("/experiments");
    expect(list.body.experiments.find((e) => e.id === id)?.owner).toEqual({
      id: me.body.id,
      username: "alice",
    });
  });

  for (const action of ["pause", "activate", "cancel", "kill"] as const) {
    test(`another user cannot ${action} someone else's experiment`, async () => {
      const id = await aliceExperiment();
      if (action === "activate")
        expect((await alice.post(`/experiments/${id}/pause`)).status).toBe(200);
      const before = await tm.store.getExperiment(id);
      const res = await bob.post(`/experiments/${id}/${action}`);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: { code: "FORBIDDEN" } });
      expect((await tm.store.getExperiment(id))?.state).toBe(before?.state);
    });
  }

  test("another user cannot delete someone else's experiment", async () => {
    const id = await aliceExperiment();
    await alice.post(`/experiments/${id}/kill`);
    await tm.settle();
    const res = await bob.del(`/experiments/${id}`);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: "FORBIDDEN" } });
    expect(await tm.store.getExperiment(id)).not.toBeNull();
  });

  test("another user is told that a custom search's events and operations are its owner's to read and post", async () => {
    const created = await alice.post<{ id: number }>("/experiments", {
      config: customConfig(),
      workdir: "/tmp",
    });
    const id = created.body.id;
    const read = await bob.get(`/experiments/${id}/searcher/events?after=0`);
    expect(read).toMatchObject({
      status: 403,
      body: {
        error: {
          code: "FORBIDDEN",
          message: `experiment ${id} belongs to another user: only its owner or an admin may read its searcher events`,
        },
      },
    });
    const post = await bob.post(`/experiments/${id}/searcher/operations`, {
      lastEventId: 1,
      operations: [{ type: "shutdown" }],
    });
    expect(post).toMatchObject({
      status: 403,
      body: {
        error: {
          code: "FORBIDDEN",
          message: expect.stringMatching(
            /only its owner or an admin may post its searcher operations$/,
          ),
        },
      },
    });
  });

  test("the owner pauses, activates and kills their own experiment, and deletes it", async () => {
    const id = await aliceExperiment();
    expect((await alice.post(`/experiments/${id}/pause`)).status).toBe(200);
    expect((await alice.post(`/experiments/${id}/activate`)).status).toBe(200);
    expect((await alice.post(`/experiments/${id}/kill`)).status).toBe(200);
    await tm.settle();
    expect((await alice.del(`/experiments/${id}`)).status).toBe(204);
  });

  test("an admin may change anyone's experiment", async () => {
    const id = await aliceExperiment();
    const carol = await newUser("carol", true);
    expect((await carol.post(`/experiments/${id}/pause`)).status).toBe(200);
    expect((await tm.admin.post(`/experiments/${id}/kill`)).status).toBe(200);
    await tm.settle();
    expect((await tm.admin.del(`/experiments/${id}`)).status).toBe(204);
  });

  test("everyone may read another user's experiment, its trials and its validations", async () => {
    const id = await aliceExperiment();
    expect((await bob.get(`/experiments/${id}`)).status).toBe(200);
    expect((await bob.get(`/experiments/${id}/trials`)).status).toBe(200);
    expect((await bob.get(`/experiments/${id}/validations`)).status).toBe(200);
  });
});

describe("environment variables", () => {
  const environment = { variables: { WANDB_API_KEY: "s3cret-key", MODE: "fast" } };

  test("are shown to the owner and to admins", async () => {
    const id = await aliceExperiment({ environment });
    for (const who of [alice, tm.admin]) {
      const res = await who.get<{ config: { environment: unknown }; variablesRedacted: boolean }>(
        `/experiments/${id}`,
      );
      expect(res.body.config.environment).toEqual(environment);
      expect(res.body.variablesRedacted).toBe(false);
    }
  });

  test("are redacted for other users: names kept, values and the YAML withheld", async () => {
    const yaml = [
      "name: with-secrets",
      "entrypoint: node train.js",
      "searcher: {name: single, metric: loss, max_length: 10}",
      "environment:",
      "  variables: {WANDB_API_KEY: s3cret-key}",
    ].join("\n");
    const created = await alice.post<{ id: number }>("/experiments", {
      configYaml: yaml,
      workdir: "/tmp",
    });
    expect(created.status).toBe(201);
    const res = await bob.get<{
      config: { environment: unknown };
      configYaml: string | null;
      variablesRedacted: boolean;
    }>(`/experiments/${created.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body.config.environment).toEqual({ variables: { WANDB_API_KEY: "[redacted]" } });
    expect(res.body.configYaml).toBeNull();
    expect(res.body.variablesRedacted).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain("s3cret-key");
  });

  test("a copy of the config as another user sees it is refused until the hidden values are written in", async () => {
    const created = await alice.post<{ id: number }>("/experiments", {
      config: {
        name: "with-secrets",
        entrypoint: "node train.js",
        searcher: { name: "single", metric: "loss", max_length: 10 },
        environment: { variables: { WANDB_API_KEY: "s3cret-key", MODE: "fast" } },
      },
      workdir: "/tmp",
    });
    const shown = await bob.get<{ config: unknown }>(`/experiments/${created.body.id}`);
    // Written back as a config a user would write, as the web UI's Fork editor does.
    const copy = experimentConfigToInput(shown.body.config as unknown as ExperimentConfig);
    const refused = await bob.post<{
      error: { code: string; details: { errors: { path: string }[] } };
    }>(`/experiments/${created.body.id}/fork`, { config: copy });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("INVALID_CONFIG");
    expect(refused.body.error.details.errors.map((e) => e.path)).toEqual([
      "environment.variables.WANDB_API_KEY",
      "environment.variables.MODE",
    ]);
    // As a new experiment too, the way `experiment config` output comes back.
    const created2 = await bob.post("/experiments", { config: copy, workdir: "/tmp" });
    expect(created2.status).toBe(400);

    const own = {
      ...copy,
      environment: { variables: { WANDB_API_KEY: "bobs-key", MODE: "fast" } },
    };
    const forked = await bob.post(`/experiments/${created.body.id}/fork`, { config: own });
    expect(forked.status).toBe(201);
  });

  test("an experiment without variables keeps its YAML for everyone", async () => {
    const created = await alice.post<{ id: number }>("/experiments", {
      configYaml:
        "name: plain\nentrypoint: node train.js\nsearcher: {name: single, metric: loss, max_length: 10}\n",
      workdir: "/tmp",
    });
    const res = await bob.get<{ configYaml: string | null; variablesRedacted: boolean }>(
      `/experiments/${created.body.id}`,
    );
    expect(res.body.configYaml).toContain("name: plain");
    expect(res.body.variablesRedacted).toBe(false);
  });
});

describe("who stopped an experiment", () => {
  test("its end reason names the user who canceled or killed it, an admin or its owner", async () => {
    const root = await newUser("root", true);
    const killed = await aliceExperiment();
    expect((await root.post(`/experiments/${killed}/kill`)).status).toBe(200);
    const canceled = await aliceExperiment();
    expect((await alice.post(`/experiments/${canceled}/cancel`)).status).toBe(200);
    await tm.settle();
    expect(await tm.store.getExperiment(killed)).toMatchObject({
      state: "CANCELED",
      endReason: "killed by root",
    });
    const detail = await bob.get<{ state: string; endReason: string }>(`/experiments/${canceled}`);
    expect(detail.body).toMatchObject({ endReason: "canceled by alice" });
    // A pause says nothing of who paused it: it has not ended.
    const paused = await aliceExperiment();
    expect((await root.post(`/experiments/${paused}/pause`)).status).toBe(200);
    expect((await tm.store.getExperiment(paused))?.endReason).toBeNull();
  });
});
