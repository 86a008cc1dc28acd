import type { Operation } from "../../operation/operation.ts";
import { NOT_DELETED_FILTER } from "../../shared/common-props.ts";
import { createItem } from "./create-item.ts";
import { Item } from "./entities.ts";
import type { TItemStatus } from "./item-status.ts";
import { updateItem } from "./update-item.ts";

export interface UpsertExternalItemInput {
  projectId: string;
  /** The integration (its id) the record comes from. */
  source: string;
  /** The record's id at the provider (e.g. a GitHub issue's id). */
  externalId: string;
  title: string;
  body: string;
  /** Whether the provider record is open or closed. */
  closed: boolean;
}

export type UpsertExternalItemOutcome = "created" | "updated" | "unchanged" | "deleted";

const TITLE_MAX = 500;

/**
 * Create or update the item mirroring one provider record (linked by `(source, externalId)`) through
 * the items use-cases, so a redelivery or a re-sync of the same record changes nothing. A closed
 * record makes the item `done`; a reopened one makes a `done` item `open` again (an item someone moved
 * to `in_progress` stays there while the record is open). An item deleted in Spine stays deleted.
 */
export async function upsertExternalItem(op: Operation, input: UpsertExternalItemInput): Promise<{ outcome: UpsertExternalItemOutcome; itemId: string }> {
  const existing = await op.em.findOne(
    Item,
    { externalSource: input.source, externalId: input.externalId },
    { filters: { [NOT_DELETED_FILTER]: false } },
  );
  const title = input.title.trim().slice(0, TITLE_MAX) || `(untitled ${input.externalId})`;
  if (!existing) {
    const item = await createItem(op, {
      projectId: input.projectId, title, body: input.body, status: input.closed ? "done" : "open",
      external: { source: input.source, id: input.externalId },
    });
    return { outcome: "created", itemId: item.id };
  }
  if (existing.deletedAt) return { outcome: "deleted", itemId: existing.id };
  let status: TItemStatus | undefined;
  if (input.closed && existing.status !== "done" && existing.status !== "archived") status = "done";
  if (!input.closed && existing.status === "done") status = "open";
  const changed = existing.title !== title || existing.body !== input.body || status !== undefined;
  if (!changed) return { outcome: "unchanged", itemId: existing.id };
  await updateItem(op, { itemId: existing.id, title, body: input.body, status });
  return { outcome: "updated", itemId: existing.id };
}
