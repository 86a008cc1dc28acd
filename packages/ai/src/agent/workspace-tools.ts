import { tool } from "@langchain/core/tools";
import {
  assertAccessActive, authorizeMember, createItem, findDocument, listItems, listProjects, updateItem, ZItemStatusSchema,
  type Domain, type Item, type Operation, type OperationContext, type TPermission,
} from "@spine/domain";
import { z } from "zod";

export interface WorkspaceToolsOptions {
  domain: Domain;
  /** The caller's scope: tools act as this user, in this workspace, with this user's role. */
  ctx: OperationContext;
}

/** Content handed to the model is bounded, whatever the document's size. */
const MAX_DOCUMENT_CHARS = 20_000;

const itemView = (item: Item) => ({ id: item.id, project_id: item.projectId, title: item.title, body: item.body, status: item.status });

/**
 * Run one tool body as the caller: the caller's permission is checked in the same transaction as
 * the work (a viewer's agent cannot write), writes also need the workspace's access to be active,
 * and the work goes through the same domain use-cases as the procedures — so the same events are
 * emitted and the same audit rows written. Domain errors (bad input, not found, refused) are
 * answered to the model by the agent runtime's tool recorder; they change nothing.
 */
function asCaller<T>(options: WorkspaceToolsOptions, permission: TPermission, write: boolean, fn: (op: Operation) => Promise<T>): Promise<string> {
  return options.domain.run(options.ctx, async (op) => {
    await authorizeMember(op, permission);
    if (write) await assertAccessActive(op);
    return JSON.stringify(await fn(op));
  });
}

const id = (what: string) => z.uuid({ error: `must be a ${what} id (UUID)` }).toLowerCase();

/** Tools over the caller's workspace: read documents, projects and items; create items and change them. */
export function createWorkspaceTools(options: WorkspaceToolsOptions) {
  return [
    tool(
      ({ document_id }) =>
        asCaller(options, "documents.read", false, async (op) => {
          const doc = await findDocument(op, document_id);
          const truncated = doc.content.length > MAX_DOCUMENT_CHARS;
          return { id: doc.id, project_id: doc.projectId, title: doc.title, content: doc.content.slice(0, MAX_DOCUMENT_CHARS), truncated };
        }),
      {
        name: "get_document",
        description: "Read one document of this workspace by id (its title and text).",
        schema: z.object({ document_id: id("document") }),
      },
    ),
    tool(
      ({ search, limit }) =>
        asCaller(options, "projects.read", false, async (op) => {
          const page = await listProjects(op, { search, limit: limit ?? 20 });
          return { projects: page.items.map((p) => ({ id: p.id, name: p.name, description: p.description })), more: page.nextCursor !== null };
        }),
      {
        name: "list_projects",
        description: "List this workspace's projects, newest first, optionally filtered by name.",
        schema: z.object({ search: z.string().max(200).optional(), limit: z.number().int().min(1).max(50).optional() }),
      },
    ),
    tool(
      ({ project_id, status, limit }) =>
        asCaller(options, "items.read", false, async (op) => {
          const page = await listItems(op, { projectId: project_id, status, limit: limit ?? 20 });
          return { items: page.items.map(itemView), more: page.nextCursor !== null };
        }),
      {
        name: "list_items",
        description: "List items of this workspace, newest first, optionally of one project or status.",
        schema: z.object({ project_id: id("project").optional(), status: ZItemStatusSchema.optional(), limit: z.number().int().min(1).max(50).optional() }),
      },
    ),
    tool(
      ({ project_id, title, body, status }) =>
        asCaller(options, "items.write", true, async (op) => itemView(await createItem(op, { projectId: project_id, title, body, status }))),
      {
        name: "create_item",
        description: "Create an item in a project of this workspace.",
        schema: z.object({ project_id: id("project"), title: z.string().trim().min(1).max(500), body: z.string().max(20_000).optional(), status: ZItemStatusSchema.optional() }),
      },
    ),
    tool(
      ({ item_id, title, body, status }) =>
        asCaller(options, "items.write", true, async (op) => itemView(await updateItem(op, { itemId: item_id, title, body, status }))),
      {
        name: "update_item",
        description: "Change an item's title, body or status.",
        schema: z.object({ item_id: id("item"), title: z.string().trim().min(1).max(500).optional(), body: z.string().max(20_000).optional(), status: ZItemStatusSchema.optional() }),
      },
    ),
  ];
}
