import type { Operation } from "../../context/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { Item } from "./entities.ts";

/** An item of the operation's workspace; deleted ones only when asked for. */
export async function findItem(op: Operation, itemId: string, options: { includeDeleted?: boolean } = {}): Promise<Item> {
  const item = await op.em.findOne(Item, { id: itemId }, { filters: { notDeleted: !options.includeDeleted } });
  if (!item) {
    const message = `item ${itemId} not found`;
    throw new AppError("NOT_FOUND", message, { issues: [{ path: "itemId", message }] });
  }
  return item;
}
