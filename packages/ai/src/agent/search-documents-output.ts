import { z } from "zod";

export const SEARCH_DOCUMENTS_TOOL_NAME = "search_documents";

/** What `search_documents` returns to the model, as JSON text. */
export const ZSearchDocumentsOutputSchema = z.object({
  query: z.string(),
  results: z.array(
    z.object({
      document_id: z.string(),
      title: z.string(),
      ordinal: z.number().int(),
      content: z.string(),
      score: z.number(),
    }),
  ),
});
export type TSearchDocumentsOutput = z.infer<typeof ZSearchDocumentsOutputSchema>;
