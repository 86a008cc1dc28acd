/**
 * The documented list of privileged writes. The unit-of-work subscriber writes exactly one
 * `audit_logs` row, in the same flush, for each of them:
 *
 * - every create, update and delete of a PRIVILEGED_ENTITIES entity
 *   (workspace name/settings/plan, membership add/role change/removal, roles and permissions,
 *   integrations with their config and credentials, usage policies, access states);
 * - every soft delete and restore of a SOFT_DELETE_TARGETS entity (user-facing records);
 * - every purge (hard delete): a native delete bypasses the unit of work, so `purgeRecord`
 *   writes its audit row explicitly through `op.audit`, as must any other bulk or native write
 *   to these tables.
 *
 * Native writes that are deliberately not audited: usage counter upserts (incrementUsage), inbound
 * webhook events (recordIntegrationEvent, processIntegrationEvent), chunk replacement
 * (replaceDocumentChunks), rate-limit hits, and the health and sync bookkeeping columns of
 * `integrations` (last delivery/processing/sync times, sync state and cursor, the failure run) — never
 * an integration's status, config or secrets, which go through the entity and are audited. Native writes that are: purgeRecord and
 * purgeExpiredAgentRuns (explicit audit rows).
 *
 * Secrets (credentials, webhook secret, tokens, passwords, keys) are redacted in `changes`.
 * Keep this list in step with the README's "Audit" section.
 */
export const PRIVILEGED_ENTITIES: Readonly<Record<string, string>> = {
  Workspace: "workspace",
  WorkspaceMembership: "membership",
  Role: "role",
  Integration: "integration",
  UsagePolicy: "usage_policy",
  DemoAccessState: "access_state",
};

/** User-facing records: soft-deleted by default (`deletedAt`); every delete, restore and purge is audited. */
export const SOFT_DELETE_TARGETS: Readonly<Record<string, string>> = {
  Workspace: "workspace",
  Project: "project",
  Item: "item",
  Document: "document",
  AgentThread: "agent_thread",
  Integration: "integration",
};
