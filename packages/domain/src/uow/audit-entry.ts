import { ChangeSetType, type ChangeSet, type EntityMetadata, type Platform } from "@mikro-orm/core";
import type { AuditChanges } from "../platform/entities.ts";
import { PRIVILEGED_ENTITIES, SOFT_DELETE_TARGETS } from "./privileged-writes.ts";
import { redact } from "./redact.ts";

export type AnyChangeSet = ChangeSet<Record<string, unknown>>;
export interface AuditEntry {
  targetType: string;
  action: string;
  changes: AuditChanges;
}

/** Timestamps change on every write; they would only add noise to a diff. */
const IGNORED_DIFF_KEYS = new Set(["updatedAt", "createdAt"]);

function pick(source: Record<string, unknown> | undefined, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = source?.[key] ?? null;
  return out;
}

function snapshot(value: Record<string, unknown>): Record<string, unknown> {
  return redact({ ...value }) as Record<string, unknown>;
}

/**
 * The unit of work's snapshot holds values in database form (`'{read}'` for a text[], `'10'` for a
 * bigint, JSON as text); convert each back to what the entity holds so `before` compares with `after`.
 */
export function toEntityValues(meta: EntityMetadata, platform: Platform, data: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!data) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const type = meta.properties[key]?.customType;
    out[key] = type && value != null ? type.convertToJSValue(value, platform, { force: true }) : value;
  }
  return out;
}

/**
 * The audit entry a change set calls for, or null when it is not a privileged write.
 * `original` is the entity's state as loaded (the unit of work's snapshot), so `before` holds
 * the values the row had in the database, not the entity's current in-memory values.
 */
export function auditEntryFor(cs: AnyChangeSet, original: Record<string, unknown> | undefined): AuditEntry | null {
  const privileged = PRIVILEGED_ENTITIES[cs.name];
  const softTarget = SOFT_DELETE_TARGETS[cs.name];
  const targetType = privileged ?? softTarget;
  if (!targetType) return null;

  if (cs.type === ChangeSetType.CREATE) {
    if (!privileged) return null;
    return { targetType, action: `${targetType}.created`, changes: { after: snapshot(cs.entity) } };
  }
  if (cs.type === ChangeSetType.DELETE || cs.type === ChangeSetType.DELETE_EARLY) {
    return { targetType, action: `${targetType}.deleted`, changes: { before: snapshot(original ?? cs.entity) } };
  }
  const payload = (cs.payload ?? {}) as Record<string, unknown>;
  const keys = Object.keys(payload).filter((k) => !IGNORED_DIFF_KEYS.has(k));
  if (keys.length === 0) return null;
  let action = `${targetType}.updated`;
  if (keys.includes("deletedAt")) {
    action = cs.entity.deletedAt ? `${targetType}.deleted` : `${targetType}.restored`;
  } else if (!privileged) {
    return null;
  }
  return {
    targetType,
    action,
    changes: { before: redact(pick(original, keys)) as Record<string, unknown>, after: redact(pick(cs.entity, keys)) as Record<string, unknown> },
  };
}
