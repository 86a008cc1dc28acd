import { describe, expect, it } from "vitest";
import { loadCliEnv, loadWorkerEnv, selectConsumers } from "./env.ts";

describe("worker environment", () => {
  it("fails at boot naming each bad variable", () => {
    expect(() => loadWorkerEnv({ WORKER_PORT: "nope" })).toThrow(/DATABASE_URL.*WORKER_PORT|WORKER_PORT.*DATABASE_URL/);
    expect(() => loadWorkerEnv({ DATABASE_URL: "postgres://u@h/db", SPINE_SUBJECT_PREFIX: "evt.x" })).toThrow(/SPINE_SUBJECT_PREFIX/);
  });

  it("defaults the subject prefix, stream and windows", () => {
    const env = loadWorkerEnv({ DATABASE_URL: "postgres://postgres@127.0.0.1:5432/spine" });
    expect(env).toMatchObject({
      SPINE_SUBJECT_PREFIX: "evt", SPINE_EVENTS_STREAM: "EVENTS", NATS_URL: "nats://127.0.0.1:4222", SPINE_DUPLICATE_WINDOW_MS: 120_000,
    });
    expect(loadCliEnv({}).DATABASE_URL).toBeUndefined();
  });

  it("selects consumers: all by default, none, or a list of known handler names", () => {
    const known = ["usage-metering", "integration-events", "integration-sync"];
    const base = { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/spine" };
    expect([...selectConsumers(loadWorkerEnv(base).SPINE_WORKER_CONSUMERS, known)]).toEqual(known);
    expect([...selectConsumers("none", known)]).toEqual([]);
    expect([...selectConsumers("usage-metering,integration-sync", known)]).toEqual(["usage-metering", "integration-sync"]);
    expect(() => selectConsumers("metering", known)).toThrow(/unknown handler metering; known: usage-metering, integration-events, integration-sync/);
    expect(() => loadWorkerEnv({ ...base, SPINE_WORKER_CONSUMERS: "usage metering" })).toThrow(/SPINE_WORKER_CONSUMERS/);
  });
});
