import { MikroORM } from "@mikro-orm/postgresql";
import { Migrator } from "@mikro-orm/migrations";
import pg from "pg";
import { databaseNameOf } from "@spine/logging";
import { Migration20261128000001_initial } from "./migrations/Migration20261128000001_initial.ts";
import { Migration20261128000200_api } from "./migrations/Migration20261128000200_api.ts";
import { Migration20261128000310_governance_checks } from "./migrations/Migration20261128000310_governance_checks.ts";
import { Migration20261128000400_builtin_role_permissions } from "./migrations/Migration20261128000400_builtin_role_permissions.ts";
import { Migration20261202010500_system_audit } from "./migrations/Migration20261202010500_system_audit.ts";
import { Migration20261202012_integration_event_source } from "./migrations/Migration20261202012_integration_event_source.ts";
import { Migration20261202013001_pgvector_hybrid_search } from "./migrations/Migration20261202013001_pgvector_hybrid_search.ts";
import { Migration2026120209001_outbox_rejected_at } from "./migrations/Migration2026120209001_outbox_rejected_at.ts";
import { Migration2026120209002_outbox_pending_index } from "./migrations/Migration2026120209002_outbox_pending_index.ts";
import { Migration2026120210001_session_revoked_signal } from "./migrations/Migration2026120210001_session_revoked_signal.ts";
import { Migration2026120210002_audit_hash_chain } from "./migrations/Migration2026120210002_audit_hash_chain.ts";
import { Migration2026120211001_access_fold } from "./migrations/Migration2026120211001_access_fold.ts";
import { Migration2026120212001_ops_retention } from "./migrations/Migration2026120212001_ops_retention.ts";
import { Migration2026120214001_agent_run_tokens } from "./migrations/Migration2026120214001_agent_run_tokens.ts";
import { Migration2026120215001_integration_processing } from "./migrations/Migration2026120215001_integration_processing.ts";
import { Migration2026120216001_document_formats } from "./migrations/Migration2026120216001_document_formats.ts";
import { Migration2026120217001_nats_tools } from "./migrations/Migration2026120217001_nats_tools.ts";
import { Migration202612021830_dead_letter_replay_requests } from "./migrations/Migration202612021830_dead_letter_replay_requests.ts";
import { Migration202612030700_h14_platform_operators } from "./migrations/Migration202612030700_h14_platform_operators.ts";
import { Migration202612030720_h15_outbox_validated } from "./migrations/Migration202612030720_h15_outbox_validated.ts";

/** Checked-in migrations, listed explicitly so no file is loaded by dynamic import. */
export const MIGRATIONS = [
  { name: "Migration20261128000001_initial", class: Migration20261128000001_initial },
  { name: "Migration20261128000200_api", class: Migration20261128000200_api },
  { name: "Migration20261128000310_governance_checks", class: Migration20261128000310_governance_checks },
  { name: "Migration20261128000400_builtin_role_permissions", class: Migration20261128000400_builtin_role_permissions },
  { name: "Migration20261202010500_system_audit", class: Migration20261202010500_system_audit },
  { name: "Migration20261202012_integration_event_source", class: Migration20261202012_integration_event_source },
  { name: "Migration20261202013001_pgvector_hybrid_search", class: Migration20261202013001_pgvector_hybrid_search },
  { name: "Migration2026120209001_outbox_rejected_at", class: Migration2026120209001_outbox_rejected_at },
  { name: "Migration2026120209002_outbox_pending_index", class: Migration2026120209002_outbox_pending_index },
  { name: "Migration2026120210001_session_revoked_signal", class: Migration2026120210001_session_revoked_signal },
  { name: "Migration2026120210002_audit_hash_chain", class: Migration2026120210002_audit_hash_chain },
  { name: "Migration2026120211001_access_fold", class: Migration2026120211001_access_fold },
  { name: "Migration2026120212001_ops_retention", class: Migration2026120212001_ops_retention },
  { name: "Migration2026120214001_agent_run_tokens", class: Migration2026120214001_agent_run_tokens },
  { name: "Migration2026120215001_integration_processing", class: Migration2026120215001_integration_processing },
  { name: "Migration2026120216001_document_formats", class: Migration2026120216001_document_formats },
  { name: "Migration2026120217001_nats_tools", class: Migration2026120217001_nats_tools },
  { name: "Migration202612021830_dead_letter_replay_requests", class: Migration202612021830_dead_letter_replay_requests },
  { name: "Migration202612030700_h14_platform_operators", class: Migration202612030700_h14_platform_operators },
  { name: "Migration202612030720_h15_outbox_validated", class: Migration202612030720_h15_outbox_validated },
];

const DUPLICATE_DATABASE = "42P04";

/** Create the database named in `url` if it does not exist (connects to the server's `postgres` db). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseNameOf(url);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (rowCount) return false;
    await client.query(`create database "${name.replaceAll('"', '""')}"`);
    return true;
  } catch (err) {
    if (err instanceof Error && "code" in err && err.code === DUPLICATE_DATABASE) return false;
    throw err;
  } finally {
    await client.end();
  }
}

/** Apply pending migrations as the owner role; returns the names applied. */
export async function migrate(ownerUrl: string): Promise<string[]> {
  await ensureDatabase(ownerUrl);
  const orm = await MikroORM.init({
    clientUrl: ownerUrl,
    entities: [],
    discovery: { warnWhenNoEntities: false, disableDynamicFileAccess: true },
    extensions: [Migrator],
    migrations: { migrationsList: MIGRATIONS, transactional: true, allOrNothing: true, snapshot: false },
  });
  try {
    const applied = await orm.getMigrator().up();
    return applied.map((m) => m.name);
  } finally {
    await orm.close(true);
  }
}

export async function dropDatabase(ownerUrl: string): Promise<void> {
  const name = databaseNameOf(ownerUrl);
  const admin = new URL(ownerUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name.replaceAll('"', '""')}" with (force)`);
  } finally {
    await client.end();
  }
}
