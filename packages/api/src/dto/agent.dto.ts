import type { AgentRun, AgentRunWithToolCalls, AgentThread, SimilarChunk, ToolCall } from "@spine/domain";
import { z } from "zod";
import { iso, ZIdSchema, ZTimestampSchema } from "./common.ts";

const ZJsonRecordSchema = z.record(z.string(), z.unknown());

export const ZAgentThreadSchema = z.object({
  id: ZIdSchema, workspaceId: ZIdSchema, title: z.string(), createdBy: ZIdSchema.nullable(),
  createdAt: ZTimestampSchema, updatedAt: ZTimestampSchema, deletedAt: ZTimestampSchema.nullable(),
});
export type TAgentThread = z.infer<typeof ZAgentThreadSchema>;
export function toAgentThreadDto(t: AgentThread): TAgentThread {
  return {
    id: t.id, workspaceId: t.workspaceId, title: t.title, createdBy: t.createdBy ?? null,
    createdAt: iso(t.createdAt), updatedAt: iso(t.updatedAt), deletedAt: iso(t.deletedAt),
  };
}

export const ZToolCallSchema = z.object({
  id: ZIdSchema, ordinal: z.number().int(), toolName: z.string(), input: ZJsonRecordSchema, output: ZJsonRecordSchema.nullable(),
  status: z.string(), error: z.string().nullable(), startedAt: ZTimestampSchema, completedAt: ZTimestampSchema.nullable(),
});
export type TToolCall = z.infer<typeof ZToolCallSchema>;
export function toToolCallDto(c: ToolCall): TToolCall {
  return {
    id: c.id, ordinal: c.ordinal, toolName: c.toolName, input: c.input, output: c.output ?? null, status: c.status, error: c.error ?? null,
    startedAt: iso(c.startedAt), completedAt: iso(c.completedAt),
  };
}

export const ZAgentRunSchema = z.object({
  id: ZIdSchema, threadId: ZIdSchema, status: z.enum(["queued", "running", "completed", "failed"]), model: z.string(),
  input: ZJsonRecordSchema, output: ZJsonRecordSchema.nullable(), error: z.string().nullable(),
  startedAt: ZTimestampSchema.nullable(), completedAt: ZTimestampSchema.nullable(), retainUntil: ZTimestampSchema.nullable(),
  createdBy: ZIdSchema.nullable(), createdAt: ZTimestampSchema, toolCalls: z.array(ZToolCallSchema),
  /** Tokens the model reported for the run (counted into the `agent_tokens` usage metric). */
  tokens: z.object({ input: z.number().int(), output: z.number().int(), total: z.number().int() }),
});
export type TAgentRun = z.infer<typeof ZAgentRunSchema>;
export function toAgentRunDto(run: AgentRun, toolCalls: readonly ToolCall[]): TAgentRun {
  return {
    id: run.id, threadId: run.threadId, status: run.status, model: run.model, input: run.input, output: run.output ?? null, error: run.error ?? null,
    startedAt: iso(run.startedAt), completedAt: iso(run.completedAt), retainUntil: iso(run.retainUntil),
    createdBy: run.createdBy ?? null, createdAt: iso(run.createdAt), toolCalls: toolCalls.map(toToolCallDto),
    tokens: { input: run.inputTokens, output: run.outputTokens, total: run.inputTokens + run.outputTokens },
  };
}
export function toAgentRunWithCallsDto(r: AgentRunWithToolCalls): TAgentRun {
  return toAgentRunDto(r.run, r.toolCalls);
}

export const ZSearchHitSchema = z.object({
  chunkId: ZIdSchema, documentId: ZIdSchema, documentTitle: z.string(), ordinal: z.number().int(), content: z.string(), score: z.number(),
});
export type TSearchHit = z.infer<typeof ZSearchHitSchema>;
export function toSearchHitDto(c: SimilarChunk): TSearchHit {
  return { chunkId: c.chunkId, documentId: c.documentId, documentTitle: c.documentTitle, ordinal: c.ordinal, content: c.content, score: c.score };
}
