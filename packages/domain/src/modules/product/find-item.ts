import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { Item, Project } from "./entities.ts";

/**
 * An item of the operation's workspace; deleted ones (or ones whose project is deleted) only when
 * asked for.
 */
export async function findItem(op: Operation, itemId: string, options: { includeDeleted?: boolean } = {}): Promise<Item> {
  const item = await op.em.findOne(Item, { id: itemId }, { filters: { notDeleted: !options.includeDeleted } });
  const hidden = item && !options.includeDeleted && !(await op.em.findOne(Project, { id: item.projectId }));
  if (!item || hidden) {
    const message = `item ${itemId} not found`;
    throw new AppError("NOT_FOUND", message, { issues: [{ path: "itemId", message }] });
  }
  return item;
}
