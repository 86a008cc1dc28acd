import { describe, expect } from "vitest";
import type { Domain } from "../runtime/domain.ts";
import { OPERATIONAL_TABLES, TENANT_TABLES } from "../db/tenant-tables.ts";
import { dbTest } from "../test-support/fixtures.ts";
import { NOT_DELETED_FILTER, TENANT_FILTER } from "../shared/common-props.ts";
import { PRIVILEGED_ENTITIES, SOFT_DELETE_TARGETS } from "./privileged-writes.ts";

/** Soft-deletable but not tenant-owned: a user's deletion has no workspace to audit it in. */
const UNTENANTED_SOFT_DELETABLE = new Set(["User"]);

const test = dbTest;
const entities = (domain: Domain) => Object.values(domain.orm.getMetadata().getAll()).filter((m) => !m.embeddable && !m.pivotTable);

describe("entity filters and lists stay in step with the schema", () => {
  test("every entity with deletedAt has the default notDeleted filter and is a documented soft-delete target", ({ domain }) => {
    const soft = entities(domain).filter((m) => m.properties.deletedAt);
    expect(soft.length).toBeGreaterThan(0);
    for (const meta of soft) {
      expect({ entity: meta.className, filter: meta.filters[NOT_DELETED_FILTER]?.default }).toEqual({ entity: meta.className, filter: true });
      if (!UNTENANTED_SOFT_DELETABLE.has(meta.className)) expect(Object.keys(SOFT_DELETE_TARGETS)).toContain(meta.className);
    }
  });

  test("every soft-delete target and privileged entity exists and is scoped to a workspace", ({ domain }) => {
    const byName = new Map(entities(domain).map((m) => [m.className, m]));
    for (const name of Object.keys(SOFT_DELETE_TARGETS)) expect(byName.get(name)?.properties.deletedAt, name).toBeDefined();
    for (const name of [...Object.keys(SOFT_DELETE_TARGETS), ...Object.keys(PRIVILEGED_ENTITIES)]) {
      const meta = byName.get(name);
      const scoped = name === "Workspace" || meta?.filters[TENANT_FILTER]?.default === true;
      expect({ name, scoped }).toEqual({ name, scoped: true });
    }
  });

  test("every entity with a workspaceId maps a table listed as tenant or operational, and carries the tenant filter", ({ domain }) => {
    const listed: readonly string[] = [...TENANT_TABLES, ...OPERATIONAL_TABLES];
    for (const meta of entities(domain).filter((m) => m.properties.workspaceId)) {
      expect({ table: meta.tableName, listed: listed.includes(meta.tableName) }).toEqual({ table: meta.tableName, listed: true });
      expect({ table: meta.tableName, filter: meta.filters[TENANT_FILTER]?.default }).toEqual({ table: meta.tableName, filter: true });
    }
  });
});
