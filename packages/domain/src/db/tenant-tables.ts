/**
 * Every table with a `workspace_id` column. A migration that adds one appends it here, and adds a
 * sample row to TENANT_ROWS in src/test-support/tenant-rows.ts (the typecheck insists). The
 * isolation suite discovers tables from the catalog, fails on any table missing from these lists,
 * and proves row-level security, the ORM filter and the unit-of-work guard on each of them.
 */

/** Tenant-owned rows only: `workspace_id NOT NULL`, RLS forced, `tenant_isolation` policy. */
export const TENANT_TABLES = [
  "roles", "workspace_memberships", "projects", "items", "documents", "activity_logs",
  "document_chunks", "embeddings", "agent_threads", "agent_runs", "tool_calls",
  "integrations", "integration_events", "demo_access_states", "usage_policies", "usage_counters",
  "audit_logs", "access_events",
] as const;
export type TenantTable = (typeof TENANT_TABLES)[number];

/** Operational tables that also hold untenanted system rows (`workspace_id` NULL, seen only by spine_system). */
export const OPERATIONAL_TABLES = ["job_runs", "dead_letter_jobs", "outbox"] as const;
export type OperationalTable = (typeof OPERATIONAL_TABLES)[number];
