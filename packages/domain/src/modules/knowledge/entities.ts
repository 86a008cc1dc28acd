import { defineEntity, p, Type, type InferEntity } from "@mikro-orm/core";
import { idProp, notDeletedFilter, softDeleteProp, startsNull, tenantFilter, tenantProp, timestampProps } from "../../shared/common-props.ts";

/** Embedding vectors are pgvector `vector`s, written and read in its text form `[x,y,…]`. */
export class VectorType extends Type<number[], string> {
  override convertToDatabaseValue(value: number[] | string): string {
    if (typeof value === "string") return value;
    return `[${value.map((n) => (Number.isFinite(n) ? String(n) : "NaN")).join(",")}]`;
  }
  override convertToJSValue(value: number[] | string): number[] {
    if (typeof value === "string") return value.replace(/[[\]{}]/g, "").split(",").filter(Boolean).map(Number);
    return value.map(Number);
  }
  override getColumnType(): string {
    return "vector";
  }
  override compareAsType(): string {
    return "array";
  }
}

export const DocumentChunk = defineEntity({
  name: "DocumentChunk",
  tableName: "document_chunks",
  properties: {
    ...idProp, ...tenantProp,
    documentId: p.uuid(),
    ordinal: p.integer(),
    content: p.text(),
    /** sha256 of `content`: an unchanged chunk keeps its vector when its document is re-ingested. */
    contentHash: startsNull(p.string().nullable()),
    tokenCount: p.integer().default(0).onCreate(() => 0),
    metadata: p.json<Record<string, unknown>>().onCreate(() => ({})),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  filters: { ...tenantFilter },
});
export type DocumentChunk = InferEntity<typeof DocumentChunk>;

export const Embedding = defineEntity({
  name: "Embedding",
  tableName: "embeddings",
  properties: {
    ...idProp, ...tenantProp,
    chunkId: p.uuid(),
    model: p.string(),
    dimensions: p.integer(),
    vector: p.type(VectorType).$type<number[]>(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  filters: { ...tenantFilter },
});
export type Embedding = InferEntity<typeof Embedding>;

export const AgentThread = defineEntity({
  name: "AgentThread",
  tableName: "agent_threads",
  properties: {
    ...idProp, ...tenantProp,
    title: p.string(),
    createdBy: startsNull(p.uuid().nullable()),
    ...timestampProps, ...softDeleteProp,
  },
  filters: { ...tenantFilter, ...notDeletedFilter },
});
export type AgentThread = InferEntity<typeof AgentThread>;

export type AgentRunStatus = "queued" | "running" | "completed" | "failed";
export const AgentRun = defineEntity({
  name: "AgentRun",
  tableName: "agent_runs",
  properties: {
    ...idProp, ...tenantProp,
    threadId: p.uuid(),
    status: p.string().$type<AgentRunStatus>(),
    model: p.string(),
    input: p.json<Record<string, unknown>>().onCreate(() => ({})),
    output: startsNull(p.json<Record<string, unknown>>().nullable()),
    error: startsNull(p.text().nullable()),
    startedAt: startsNull(p.datetime().nullable()),
    completedAt: startsNull(p.datetime().nullable()),
    retainUntil: startsNull(p.datetime().nullable()),
    createdBy: startsNull(p.uuid().nullable()),
    /** Tokens the model reported for the run's calls (prompt / completion), recorded with its result. */
    inputTokens: p.integer().default(0).onCreate(() => 0),
    outputTokens: p.integer().default(0).onCreate(() => 0),
    ...timestampProps,
  },
  filters: { ...tenantFilter },
});
export type AgentRun = InferEntity<typeof AgentRun>;

export type ToolCallStatus = "running" | "completed" | "failed";
export const ToolCall = defineEntity({
  name: "ToolCall",
  tableName: "tool_calls",
  properties: {
    ...idProp, ...tenantProp,
    runId: p.uuid(),
    ordinal: p.integer(),
    toolName: p.string(),
    input: p.json<Record<string, unknown>>().onCreate(() => ({})),
    output: startsNull(p.json<Record<string, unknown>>().nullable()),
    status: p.string().$type<ToolCallStatus>(),
    error: startsNull(p.text().nullable()),
    startedAt: p.datetime().onCreate(() => new Date()),
    completedAt: startsNull(p.datetime().nullable()),
  },
  filters: { ...tenantFilter },
});
export type ToolCall = InferEntity<typeof ToolCall>;
