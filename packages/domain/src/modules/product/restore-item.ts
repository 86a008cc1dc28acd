import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import type { Item } from "./entities.ts";
import { findItem } from "./find-item.ts";
import { findProject } from "./find-project.ts";
import { recordActivity } from "./record-activity.ts";

/** Undo an item's soft delete; its project must be live. */
export async function restoreItem(op: Operation, itemId: string): Promise<Item> {
  const item = await findItem(op, itemId, { includeDeleted: true });
  if (!item.deletedAt) throw AppError.precondition("item is not deleted");
  await findProject(op, item.projectId);
  item.deletedAt = null;
  op.emit("item.restored", { item_id: item.id, project_id: item.projectId });
  recordActivity(op, { verb: "restored", targetType: "item", targetId: item.id, projectId: item.projectId, summary: `restored item ${item.title}` });
  await op.em.flush();
  return item;
}
