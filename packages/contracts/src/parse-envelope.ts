import { v7 as uuidv7 } from "uuid";
import type { z } from "zod";
import { ZEnvelopeSchema, type TTypedEnvelope } from "./envelope.ts";
import { EnvelopeError, type FieldIssue } from "./errors.ts";
import { EVENT_REGISTRY, isEventType, type EventPayload, type EventType } from "./registry.ts";

export type AnyEnvelope = { [T in EventType]: TTypedEnvelope<T, EventPayload<T>> }[EventType];
export type EnvelopeOf<T extends EventType> = TTypedEnvelope<T, EventPayload<T>>;

function toIssues(error: z.ZodError, prefix = ""): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "(root)",
    message: issue.message,
  }));
}

/**
 * Parse an unknown value as an envelope of a registered type and version. Older versions are
 * upcast, so the result always carries the current version's payload. Throws EnvelopeError
 * naming each offending field.
 */
export function parseEnvelope(input: unknown): AnyEnvelope {
  const base = ZEnvelopeSchema.safeParse(input);
  if (!base.success) throw new EnvelopeError(toIssues(base.error));
  const env = base.data;
  if (!isEventType(env.event_type)) {
    throw new EnvelopeError([{ path: "event_type", message: `unknown event type "${env.event_type}"` }]);
  }
  const def = EVENT_REGISTRY[env.event_type];
  if (def.tenancy === "workspace" && env.workspace_id === null) {
    throw new EnvelopeError([{ path: "workspace_id", message: `required for ${def.type}` }]);
  }
  if (def.tenancy === "system" && env.workspace_id !== null) {
    throw new EnvelopeError([{ path: "workspace_id", message: `must be null for the system event ${def.type}` }]);
  }
  if (env.version === def.version) {
    const payload = def.schema.safeParse(env.payload);
    if (!payload.success) throw new EnvelopeError(toIssues(payload.error, "payload"));
    return { ...env, payload: payload.data } as AnyEnvelope;
  }
  const legacy = def.legacy.find((l) => l.version === env.version);
  if (!legacy) {
    throw new EnvelopeError([
      { path: "version", message: `unsupported version ${env.version} of ${def.type} (current ${def.version})` },
    ]);
  }
  const old = legacy.schema.safeParse(env.payload);
  if (!old.success) throw new EnvelopeError(toIssues(old.error, "payload"));
  const upcast = def.schema.safeParse(legacy.upcast(old.data as never));
  if (!upcast.success) throw new EnvelopeError(toIssues(upcast.error, "payload"));
  return { ...env, version: def.version, payload: upcast.data } as AnyEnvelope;
}

export function safeParseEnvelope(input: unknown): { ok: true; envelope: AnyEnvelope } | { ok: false; error: EnvelopeError } {
  try {
    return { ok: true, envelope: parseEnvelope(input) };
  } catch (err) {
    if (err instanceof EnvelopeError) return { ok: false, error: err };
    throw err;
  }
}

export interface EnvelopeInit<T extends EventType> {
  type: T;
  payload: EventPayload<T>;
  workspaceId: string | null;
  actorId: string | null;
  correlationId: string;
  occurredAt?: Date;
  eventId?: string;
}

/** Build a current-version envelope and validate it; an invalid one never leaves the process. */
export function createEnvelope<T extends EventType>(init: EnvelopeInit<T>): EnvelopeOf<T> {
  const env = {
    event_id: init.eventId ?? uuidv7(),
    event_type: init.type,
    occurred_at: (init.occurredAt ?? new Date()).toISOString(),
    workspace_id: init.workspaceId,
    actor_id: init.actorId,
    correlation_id: init.correlationId,
    payload: init.payload as Record<string, unknown>,
    version: EVENT_REGISTRY[init.type].version,
  };
  return parseEnvelope(env) as EnvelopeOf<T>;
}

/** CloudEvents 1.0 attributes for tools that speak CloudEvents. */
export function toCloudEvent(env: AnyEnvelope, source = "spine") {
  return {
    specversion: "1.0",
    id: env.event_id,
    type: env.event_type,
    time: env.occurred_at,
    source: `${source}/${env.workspace_id ?? "_sys"}`,
    subject: env.workspace_id ?? undefined,
    datacontenttype: "application/json",
    dataschema: `spine:${env.event_type}:v${env.version}`,
    correlationid: env.correlation_id,
    actorid: env.actor_id ?? undefined,
    data: env.payload,
  };
}
