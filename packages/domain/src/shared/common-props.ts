import { p } from "@mikro-orm/core";

/*
 * Shared property builders; spread into `defineEntity` `properties`.
 *
 * An entity is declared once, with `defineEntity`; its type is inferred (`InferEntity`). There is no
 * class, so no field initializers: a property's starting value is its `onCreate`, which `Domain.create`
 * runs inside `em.create` (`processOnCreateHooksEarly`), so a new entity holds it before the flush, as a
 * `= value` field initializer did. `.default(value)` beside it keeps the column default in the metadata.
 */

/**
 * A nullable property that starts as `null` (from `em.create` on), as a `= null` field initializer did.
 * `onCreate` (and `hidden`, if asked) go straight into the built options rather than through the builder's
 * methods, which brand the inferred type (`Opt`, `Hidden`): a brand intersected with `null` erases the
 * `null`. The type stays the builder's own nullable one (`T | null | undefined`).
 */
export function startsNull<B extends { "~options": { nullable: true } }>(builder: B, options: { hidden?: true } = {}): B {
  const Builder = builder.constructor as new (options: object) => B;
  return new Builder({ ...builder["~options"], ...options, onCreate: () => null });
}

export const idProp = { id: p.uuid().primary() };
export const tenantProp = { workspaceId: p.uuid().index() };
export const timestampProps = {
  createdAt: p.datetime().onCreate(() => new Date()),
  updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
};
export const softDeleteProp = { deletedAt: startsNull(p.datetime().nullable()) };

export const TENANT_FILTER = "tenant";
export const NOT_DELETED_FILTER = "notDeleted";

/** Default filter scoping every query of a tenant entity to the operation's workspace. */
export const tenantFilter = {
  [TENANT_FILTER]: { name: TENANT_FILTER, cond: (args: { workspaceId: string }) => ({ workspaceId: args.workspaceId }), default: true },
};
export const notDeletedFilter = {
  [NOT_DELETED_FILTER]: { name: NOT_DELETED_FILTER, cond: { deletedAt: null }, default: true },
};
