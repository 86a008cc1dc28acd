import type { Operation } from "../../operation/operation.ts";
import { consumeUsage } from "../governance/consume-usage.ts";
import { newId } from "../../shared/ids.ts";
import { Item } from "./entities.ts";
import { findProject } from "./find-project.ts";
import type { TItemStatus } from "./item-status.ts";
import { recordActivity } from "./record-activity.ts";

export interface CreateItemInput {
  projectId: string;
  title: string;
  body?: string | undefined;
  status?: TItemStatus | undefined;
  /** The provider record the item mirrors (integration id + the record's id there), for integrations. */
  external?: { source: string; id: string } | undefined;
}

/** Create an item in a live project of the operation's workspace. */
export async function createItem(op: Operation, input: CreateItemInput): Promise<Item> {
  const project = await findProject(op, input.projectId);
  await consumeUsage(op, { metric: "items" });
  // The item, its event and its activity line: one statement.
  return op.insertTogether(() => {
    const item = op.newRow(Item, {
      id: newId(), workspaceId: op.workspaceId, projectId: project.id, title: input.title,
      body: input.body ?? "", status: input.status ?? "open", createdBy: op.ctx.actorId,
      externalSource: input.external?.source ?? null, externalId: input.external?.id ?? null,
    });
    op.emit("item.created", { item_id: item.id, project_id: project.id, title: item.title });
    recordActivity(op, { verb: "created", targetType: "item", targetId: item.id, projectId: project.id, summary: `created item ${item.title}` });
    return item;
  });
}
