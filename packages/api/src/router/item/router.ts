import type { TRPCRouterRecord } from "@trpc/server";
import { createItem, deleteItem, findItem, listItems, restoreItem, updateItem } from "@spine/domain";
import { zPage } from "../../dto/common.ts";
import { toItemDto, ZItemSchema } from "../../dto/product.dto.ts";
import { workspaceProcedure } from "../../trpc.ts";
import { ZCreateItemRequestSchema, ZItemRefSchema, ZListItemsRequestSchema, ZUpdateItemRequestSchema } from "./item.types.ts";

export const itemRouter = {
  create: workspaceProcedure("items.write", ZCreateItemRequestSchema)
    .output(ZItemSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op) => toItemDto(await createItem(op, input)))),
  get: workspaceProcedure("items.read", ZItemRefSchema)
    .output(ZItemSchema)
    .query(({ ctx, input }) => ctx.run(async (op) => toItemDto(await findItem(op, input.itemId)))),
  list: workspaceProcedure("items.read", ZListItemsRequestSchema)
    .output(zPage(ZItemSchema))
    .query(({ ctx, input }) =>
      ctx.run(async (op) => {
        const page = await listItems(op, input);
        return { items: page.items.map(toItemDto), nextCursor: page.nextCursor };
      }),
    ),
  update: workspaceProcedure("items.write", ZUpdateItemRequestSchema)
    .output(ZItemSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op) => toItemDto(await updateItem(op, input)))),
  delete: workspaceProcedure("items.delete", ZItemRefSchema)
    .output(ZItemSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op) => toItemDto(await deleteItem(op, input.itemId)))),
  restore: workspaceProcedure("items.delete", ZItemRefSchema)
    .output(ZItemSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op) => toItemDto(await restoreItem(op, input.itemId)))),
} satisfies TRPCRouterRecord;
