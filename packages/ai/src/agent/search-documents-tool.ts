import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { tool } from "@langchain/core/tools";
import type { Domain, OperationContext } from "@spine/domain";
import { z } from "zod";
import { searchChunks } from "../search/search-chunks.ts";
import { SEARCH_DOCUMENTS_TOOL_NAME, type TSearchDocumentsOutput } from "./search-documents-output.ts";

export interface SearchDocumentsToolOptions {
  domain: Domain;
  /** The workspace (and actor) the agent runs for; the tool never searches elsewhere. */
  ctx: OperationContext;
  embeddings: EmbeddingsInterface;
  /** Results when the model does not ask for a number (default 5). */
  defaultK?: number;
}

const SCORE_DECIMALS = 1e6;

/** The built-in `search_documents` tool: hybrid (full-text + semantic) search over the workspace's ingested documents. */
export function createSearchDocumentsTool(options: SearchDocumentsToolOptions) {
  return tool(
    async ({ query, k, project_id, document_id }): Promise<string> => {
      const hits = await searchChunks(options.domain, options.ctx, query, k ?? options.defaultK ?? 5, options.embeddings, {
        mode: "hybrid", projectId: project_id, documentId: document_id,
      });
      const output: TSearchDocumentsOutput = {
        query,
        results: hits.map((h) => ({
          document_id: h.documentId, title: h.documentTitle, ordinal: h.ordinal, content: h.content,
          score: Math.round(h.score * SCORE_DECIMALS) / SCORE_DECIMALS,
        })),
      };
      return JSON.stringify(output);
    },
    {
      name: SEARCH_DOCUMENTS_TOOL_NAME,
      description: "Search this workspace's documents for passages relevant to a query. Returns JSON with the best matching passages.",
      schema: z.object({
        query: z.string().min(1).max(2000).describe("What to look for, in natural language"),
        k: z.number().int().min(1).max(20).optional().describe("How many passages to return (default 5)"),
        project_id: z.uuid().optional().describe("Only documents of this project"),
        document_id: z.uuid().optional().describe("Only this document"),
      }),
    },
  );
}
