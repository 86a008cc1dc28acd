import type { z } from "zod";
import type { EventDefinition } from "./define-event.ts";
import * as events from "./events.ts";

/** Every event type Spine knows, keyed by `event_type`. The single source of truth. */
export const EVENT_REGISTRY = {
  [events.workspaceCreated.type]: events.workspaceCreated,
  [events.workspaceUpdated.type]: events.workspaceUpdated,
  [events.workspaceDeleted.type]: events.workspaceDeleted,
  [events.workspaceRestored.type]: events.workspaceRestored,
  [events.membershipAdded.type]: events.membershipAdded,
  [events.membershipRoleChanged.type]: events.membershipRoleChanged,
  [events.membershipRemoved.type]: events.membershipRemoved,
  [events.projectCreated.type]: events.projectCreated,
  [events.projectUpdated.type]: events.projectUpdated,
  [events.projectDeleted.type]: events.projectDeleted,
  [events.projectRestored.type]: events.projectRestored,
  [events.itemCreated.type]: events.itemCreated,
  [events.itemUpdated.type]: events.itemUpdated,
  [events.itemDeleted.type]: events.itemDeleted,
  [events.itemRestored.type]: events.itemRestored,
  [events.documentCreated.type]: events.documentCreated,
  [events.documentUpdated.type]: events.documentUpdated,
  [events.documentIngested.type]: events.documentIngested,
  [events.documentDeleted.type]: events.documentDeleted,
  [events.documentRestored.type]: events.documentRestored,
  [events.integrationConnected.type]: events.integrationConnected,
  [events.integrationUpdated.type]: events.integrationUpdated,
  [events.integrationDisconnected.type]: events.integrationDisconnected,
  [events.integrationSyncFailed.type]: events.integrationSyncFailed,
  [events.integrationSyncRequested.type]: events.integrationSyncRequested,
  [events.webhookReceived.type]: events.webhookReceived,
  [events.accessActivated.type]: events.accessActivated,
  [events.accessChanged.type]: events.accessChanged,
  [events.accessDeactivated.type]: events.accessDeactivated,
  [events.usageLimitReached.type]: events.usageLimitReached,
  [events.usagePolicySet.type]: events.usagePolicySet,
  [events.usagePolicyCleared.type]: events.usagePolicyCleared,
  [events.agentRunStarted.type]: events.agentRunStarted,
  [events.agentToolCalled.type]: events.agentToolCalled,
  [events.agentRunCompleted.type]: events.agentRunCompleted,
  [events.agentRunFailed.type]: events.agentRunFailed,
  [events.sessionRevoked.type]: events.sessionRevoked,
} as const satisfies Record<string, EventDefinition>;

export type EventRegistry = typeof EVENT_REGISTRY;
export type EventType = keyof EventRegistry;
export type EventPayload<T extends EventType> = z.infer<EventRegistry[T]["schema"]>;

/** The sixteen event types the seed specification's taxonomy names. */
export const SPEC_EVENT_TYPES = [
  "workspace.created", "membership.added", "project.created", "item.updated", "document.ingested",
  "integration.connected", "integration.sync_failed", "webhook.received",
  "access.activated", "access.changed", "access.deactivated", "usage.limit_reached",
  "agent.run.started", "agent.tool.called", "agent.run.completed", "agent.run.failed",
] as const satisfies readonly EventType[];

export const EVENT_TYPES = Object.keys(EVENT_REGISTRY) as EventType[];

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_REGISTRY, value);
}

export function getEventDefinition(type: EventType): EventDefinition {
  return EVENT_REGISTRY[type];
}
