import { describe, expect, it } from "vitest";
import { EnvelopeError } from "./errors.ts";
import { SAMPLE_IDS, SAMPLE_PAYLOADS } from "./test-support/sample-payloads.ts";
import { createEnvelope, parseEnvelope, safeParseEnvelope } from "./parse-envelope.ts";
import { EVENT_REGISTRY, EVENT_TYPES, SPEC_EVENT_TYPES, type EventType } from "./registry.ts";

const EVENT_ID = "01936b1e-5a3c-7cc1-9f00-000000000001";

function validEnvelope(type: EventType = "project.created"): Record<string, unknown> {
  return {
    event_id: EVENT_ID,
    event_type: type,
    occurred_at: "2026-11-28T07:00:00.000Z",
    workspace_id: EVENT_REGISTRY[type].tenancy === "system" ? null : SAMPLE_IDS.workspace,
    actor_id: SAMPLE_IDS.user,
    correlation_id: "req-1",
    payload: SAMPLE_PAYLOADS[type],
    version: EVENT_REGISTRY[type].version,
  };
}

function rejectionOf(input: unknown): EnvelopeError {
  const result = safeParseEnvelope(input);
  if (result.ok) throw new Error("expected the envelope to be rejected");
  return result.error;
}

function paths(err: EnvelopeError): string[] {
  return err.issues.map((i) => i.path);
}

describe("registry", () => {
  it("holds every event type of the specification's taxonomy", () => {
    expect(SPEC_EVENT_TYPES).toHaveLength(16);
    for (const type of SPEC_EVENT_TYPES) expect(EVENT_TYPES).toContain(type);
  });

  it("keys every definition by its own type", () => {
    for (const [key, def] of Object.entries(EVENT_REGISTRY)) expect(def.type).toBe(key);
  });

  it("has exactly one sample payload per registered type", () => {
    expect(Object.keys(SAMPLE_PAYLOADS).sort()).toEqual([...EVENT_TYPES].sort());
  });
});

describe("parseEnvelope round trip", () => {
  it.each(EVENT_TYPES)("%s parses, and its parse is stable", (type) => {
    const input = validEnvelope(type);
    const parsed = parseEnvelope(input);
    expect(parsed).toEqual(input);
    expect(parseEnvelope(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
  });

  it.each(EVENT_TYPES)("%s built by createEnvelope parses back to itself", (type) => {
    const env = createEnvelope({
      type, payload: SAMPLE_PAYLOADS[type], workspaceId: EVENT_REGISTRY[type].tenancy === "system" ? null : SAMPLE_IDS.workspace, actorId: null, correlationId: "c",
    });
    expect(env.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(parseEnvelope(JSON.parse(JSON.stringify(env)))).toEqual(env);
  });
});

describe("parseEnvelope rejects malformed envelopes, naming the field", () => {
  const fields = ["event_id", "event_type", "occurred_at", "workspace_id", "actor_id", "correlation_id", "payload", "version"];
  it.each(fields)("missing %s", (field) => {
    const input = validEnvelope();
    delete input[field];
    expect(paths(rejectionOf(input))).toContain(field);
  });

  const cases: [string, Record<string, unknown>, string][] = [
    ["unsupported newer version", { version: 2 }, "version"],
    ["unsupported older version", { version: 0 }, "version"],
    ["non-integer version", { version: 1.5 }, "version"],
    ["unknown event type", { event_type: "project.exploded" }, "event_type"],
    ["event_id not a UUID", { event_id: "not-a-uuid" }, "event_id"],
    ["event_id a UUIDv4, not v7", { event_id: "6f1c2a8e-4b7d-4c1e-9f0a-2b3c4d5e6f70" }, "event_id"],
    ["workspace_id not a UUID", { workspace_id: "ws-1" }, "workspace_id"],
    ["actor_id not a UUID", { actor_id: "someone" }, "actor_id"],
    ["occurred_at without seconds", { occurred_at: "2026-11-28T07:00Z" }, "occurred_at"],
    ["occurred_at without offset", { occurred_at: "2026-11-28T07:00:00" }, "occurred_at"],
    ["occurred_at with a space", { occurred_at: "2026-11-28 07:00:00Z" }, "occurred_at"],
    ["occurred_at impossible date", { occurred_at: "2026-02-31T07:00:00Z" }, "occurred_at"],
    ["occurred_at epoch number", { occurred_at: 1_764_313_200_000 }, "occurred_at"],
    ["empty correlation_id", { correlation_id: "" }, "correlation_id"],
    ["payload not an object", { payload: "x" }, "payload"],
    ["payload missing a field", { payload: { project_id: SAMPLE_IDS.id } }, "payload.name"],
    ["payload field of the wrong type", { payload: { project_id: 42, name: "P" } }, "payload.project_id"],
    ["tenant event without workspace", { workspace_id: null }, "workspace_id"],
  ];
  it.each(cases)("%s", (_label, patch, field) => {
    const err = rejectionOf({ ...validEnvelope(), ...patch });
    expect(err).toBeInstanceOf(EnvelopeError);
    expect(paths(err)).toContain(field);
    expect(err.message).toContain(field);
  });

  it("rejects a value that is not an object at all", () => {
    expect(paths(rejectionOf("nope"))).toEqual(["(root)"]);
    expect(() => parseEnvelope(null)).toThrow(EnvelopeError);
  });

  it("createEnvelope refuses an invalid payload, so it never reaches the outbox", () => {
    expect(() =>
      createEnvelope({
        type: "project.created",
        payload: { project_id: "nope", name: "" },
        workspaceId: SAMPLE_IDS.workspace, actorId: null, correlationId: "c",
      }),
    ).toThrow(EnvelopeError);
  });
});

describe("upcasting", () => {
  it("reads item.updated v1 as v2", () => {
    const v1 = { ...validEnvelope("item.updated"), version: 1, payload: { item_id: SAMPLE_IDS.id2, fields: ["title", "body"] } };
    const parsed = parseEnvelope(v1);
    expect(parsed.version).toBe(2);
    expect(parsed.payload).toEqual({ item_id: SAMPLE_IDS.id2, project_id: null, changed_fields: ["title", "body"] });
  });

  it("rejects a v1 item.updated whose payload does not match v1, naming the field", () => {
    const v1 = { ...validEnvelope("item.updated"), version: 1, payload: { item_id: SAMPLE_IDS.id2 } };
    expect(paths(rejectionOf(v1))).toContain("payload.fields");
  });

  it("every legacy version is older than its current version", () => {
    for (const def of Object.values(EVENT_REGISTRY)) {
      for (const legacy of def.legacy) expect(legacy.version).toBeLessThan(def.version);
    }
  });
});
