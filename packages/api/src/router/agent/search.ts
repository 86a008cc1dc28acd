import { embeddingModelName } from "@spine/ai";
import { findSimilarChunks } from "@spine/domain";
import { z } from "zod";
import { toSearchHitDto, ZSearchHitSchema } from "../../dto/agent.dto.ts";
import { workspaceProcedure } from "../../trpc.ts";
import { embeddingsOf } from "./agent-models.ts";
import { ZSearchRequestSchema } from "./agent.types.ts";

/**
 * Semantic search over the workspace's ingested chunks (live documents only, same embedding model).
 * The caller is authorised before the query is embedded, and again, with RLS, when chunks are read.
 */
export const searchRoute = workspaceProcedure("documents.read", ZSearchRequestSchema)
  .output(z.array(ZSearchHitSchema))
  .query(async ({ ctx, input }) => {
    await ctx.run(async () => null);
    const embeddings = embeddingsOf(ctx.deps.ai);
    const vector = await embeddings.embedQuery(input.query);
    const model = embeddingModelName(embeddings);
    return ctx.run(async (op) => (await findSimilarChunks(op, { vector, model, k: input.k })).map(toSearchHitDto));
  });
