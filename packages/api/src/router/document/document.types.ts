import { z } from "zod";
import { ZIdSchema, ZJsonObjectSchema, ZNameSchema, ZPageInputSchema, ZTextSchema } from "../../dto/common.ts";

/** Text content is capped at one million characters; ingestion splits it into chunks later. */
export const MAX_DOCUMENT_CHARS = 1_000_000;
const ZContentSchema = ZTextSchema.max(MAX_DOCUMENT_CHARS, `must be at most ${MAX_DOCUMENT_CHARS} characters`);
/** How ingestion parses the content: plain text, Markdown (split at headings), or HTML (converted to Markdown first). */
export const ZDocumentFormatSchema = z.enum(["text", "markdown", "html"]);
export const ZCreateDocumentRequestSchema = z.object({
  projectId: ZIdSchema.nullable().optional(), title: ZNameSchema, format: ZDocumentFormatSchema.optional(), content: ZContentSchema.optional(), metadata: ZJsonObjectSchema.optional(),
});
export const ZDocumentRefSchema = z.object({ documentId: ZIdSchema });
export const ZUpdateDocumentRequestSchema = z.object({
  documentId: ZIdSchema, projectId: ZIdSchema.nullable().optional(), title: ZNameSchema.optional(),
  format: ZDocumentFormatSchema.optional(), content: ZContentSchema.optional(), metadata: ZJsonObjectSchema.optional(),
});
export const ZListDocumentsRequestSchema = ZPageInputSchema.extend({
  projectId: ZIdSchema.optional(),
  ingestionStatus: z.enum(["pending", "processing", "ingested", "failed"]).optional(),
  includeDeleted: z.boolean().default(false),
});
