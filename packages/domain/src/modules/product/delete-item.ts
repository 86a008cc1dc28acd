import type { Operation } from "../../operation/operation.ts";
import type { Item } from "./entities.ts";
import { findItem } from "./find-item.ts";
import { recordActivity } from "./record-activity.ts";

/** Soft-delete an item (audited by the unit of work). */
export async function deleteItem(op: Operation, itemId: string): Promise<Item> {
  const item = await findItem(op, itemId);
  op.em.remove(item);
  op.emit("item.deleted", { item_id: item.id, project_id: item.projectId });
  recordActivity(op, { verb: "deleted", targetType: "item", targetId: item.id, projectId: item.projectId, summary: `deleted item ${item.title}` });
  await op.em.flush();
  return item;
}
