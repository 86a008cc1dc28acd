import type { EntitySchemaProperty } from "@mikro-orm/core";

/* Shared property definitions; spread into EntitySchema `properties`. */
type Props = Record<string, Partial<EntitySchemaProperty<unknown, unknown>>>;

export const idProp = { id: { type: "uuid", primary: true } } satisfies Props;
export const tenantProp = { workspaceId: { type: "uuid", index: true } } satisfies Props;
export const timestampProps = {
  createdAt: { type: "Date", onCreate: () => new Date() },
  updatedAt: { type: "Date", onCreate: () => new Date(), onUpdate: () => new Date() },
} satisfies Props;
export const softDeleteProp = { deletedAt: { type: "Date", nullable: true } } satisfies Props;

export const TENANT_FILTER = "tenant";
export const NOT_DELETED_FILTER = "notDeleted";

/** Default filter scoping every query of a tenant entity to the operation's workspace. */
export const tenantFilter = {
  [TENANT_FILTER]: { name: TENANT_FILTER, cond: (args: { workspaceId: string }) => ({ workspaceId: args.workspaceId }), default: true },
};
export const notDeletedFilter = {
  [NOT_DELETED_FILTER]: { name: NOT_DELETED_FILTER, cond: { deletedAt: null }, default: true },
};
