import type { TRPCRouterRecord } from "@trpc/server";
import { createDocument, deleteDocument, findDocument, listDocuments, restoreDocument, updateDocument } from "@spine/domain";
import { zPage } from "../../dto/common.ts";
import { toDocumentDto, toDocumentSummaryDto, ZDocumentSchema, ZDocumentSummarySchema } from "../../dto/product.dto.ts";
import { workspaceProcedure } from "../../trpc.ts";
import { ZCreateDocumentRequestSchema, ZDocumentRefSchema, ZListDocumentsRequestSchema, ZUpdateDocumentRequestSchema } from "./document.types.ts";

export const documentRouter = {
  create: workspaceProcedure("documents.write", ZCreateDocumentRequestSchema)
    .output(ZDocumentSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op) => toDocumentDto(await createDocument(op, input)))),
  get: workspaceProcedure("documents.read", ZDocumentRefSchema)
    .output(ZDocumentSchema)
    .query(({ ctx, input }) => ctx.run(async (op) => toDocumentDto(await findDocument(op, input.documentId)))),
  list: workspaceProcedure("documents.read", ZListDocumentsRequestSchema)
    .output(zPage(ZDocumentSummarySchema))
    .query(({ ctx, input }) =>
      ctx.run(async (op) => {
        const page = await listDocuments(op, input);
        return { items: page.items.map(toDocumentSummaryDto), nextCursor: page.nextCursor };
      }),
    ),
  update: workspaceProcedure("documents.write", ZUpdateDocumentRequestSchema)
    .output(ZDocumentSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op) => toDocumentDto(await updateDocument(op, input)))),
  delete: workspaceProcedure("documents.delete", ZDocumentRefSchema)
    .output(ZDocumentSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op) => toDocumentDto(await deleteDocument(op, input.documentId)))),
  restore: workspaceProcedure("documents.delete", ZDocumentRefSchema)
    .output(ZDocumentSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op) => toDocumentDto(await restoreDocument(op, input.documentId)))),
} satisfies TRPCRouterRecord;
