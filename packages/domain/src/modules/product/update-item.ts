import type { Operation } from "../../operation/operation.ts";
import type { Item } from "./entities.ts";
import { findItem } from "./find-item.ts";
import { findProject } from "./find-project.ts";
import type { TItemStatus } from "./item-status.ts";
import { recordActivity } from "./record-activity.ts";

export interface UpdateItemInput {
  itemId: string;
  title?: string | undefined;
  body?: string | undefined;
  status?: TItemStatus | undefined;
  projectId?: string | undefined;
}

/** Change an item's fields, or move it to another live project of the workspace. */
export async function updateItem(op: Operation, input: UpdateItemInput): Promise<Item> {
  const item = await findItem(op, input.itemId);
  const changed: string[] = [];
  if (input.projectId !== undefined && input.projectId !== item.projectId) {
    item.projectId = (await findProject(op, input.projectId)).id;
    changed.push("project_id");
  }
  if (input.title !== undefined && input.title !== item.title) { item.title = input.title; changed.push("title"); }
  if (input.body !== undefined && input.body !== item.body) { item.body = input.body; changed.push("body"); }
  if (input.status !== undefined && input.status !== item.status) { item.status = input.status; changed.push("status"); }
  if (changed.length === 0) return item;
  op.emit("item.updated", { item_id: item.id, project_id: item.projectId, changed_fields: changed });
  recordActivity(op, { verb: "updated", targetType: "item", targetId: item.id, projectId: item.projectId, summary: `updated ${changed.join(", ")}`, data: { changed_fields: changed } });
  await op.em.flush();
  return item;
}
