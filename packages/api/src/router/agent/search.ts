import { embeddingModelName } from "@spine/ai";
import { findSimilarChunks, hybridSearchChunks, keywordSearchChunks, type Operation } from "@spine/domain";
import { z } from "zod";
import { toSearchHitDto, ZSearchHitSchema } from "../../dto/agent.dto.ts";
import { workspaceProcedure } from "../../trpc.ts";
import { embeddingsOf } from "./agent-models.ts";
import { ZSearchRequestSchema } from "./agent.types.ts";

/**
 * Search over the workspace's ingested chunks (live documents only, same embedding model): hybrid
 * (full-text + vector, reciprocal rank fusion) by default, optionally within one project or document.
 * The caller is authorised before the query is embedded, and again, with RLS, when chunks are read.
 */
export const searchRoute = workspaceProcedure("documents.read", ZSearchRequestSchema)
  .output(z.array(ZSearchHitSchema))
  .query(async ({ ctx, input }) => {
    await ctx.run(async () => null);
    const embeddings = embeddingsOf(ctx.deps.ai);
    const model = embeddingModelName(embeddings);
    const filters = { model, k: input.k, projectId: input.projectId, documentId: input.documentId };
    const vector = input.mode === "keyword" ? [] : await embeddings.embedQuery(input.query);
    const search = (op: Operation) => {
      if (input.mode === "keyword") return keywordSearchChunks(op, { ...filters, text: input.query });
      if (input.mode === "vector") return findSimilarChunks(op, { ...filters, vector });
      return hybridSearchChunks(op, { ...filters, vector, text: input.query });
    };
    const hits = await ctx.run(search);
    return hits.map(toSearchHitDto);
  });
