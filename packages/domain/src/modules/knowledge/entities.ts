import { EntitySchema, OptionalProps, Type } from "@mikro-orm/core";
import { idProp, notDeletedFilter, softDeleteProp, tenantFilter, tenantProp, timestampProps } from "../../shared/common-props.ts";

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

export class DocumentChunk {
  [OptionalProps]?: "createdAt" | "tokenCount" | "metadata" | "contentHash";
  id!: string;
  workspaceId!: string;
  documentId!: string;
  ordinal!: number;
  content!: string;
  /** sha256 of `content`: an unchanged chunk keeps its vector when its document is re-ingested. */
  contentHash: string | null = null;
  tokenCount = 0;
  metadata: Record<string, unknown> = {};
  createdAt!: Date;
}
export const DocumentChunkSchema = new EntitySchema<DocumentChunk>({
  class: DocumentChunk,
  tableName: "document_chunks",
  properties: {
    ...idProp, ...tenantProp,
    documentId: { type: "uuid" },
    ordinal: { type: "integer" },
    content: { type: "text" },
    contentHash: { type: "string", nullable: true },
    tokenCount: { type: "integer" },
    metadata: { type: "json" },
    createdAt: { type: "Date", onCreate: () => new Date() },
  },
  filters: { ...tenantFilter },
});

export class Embedding {
  [OptionalProps]?: "createdAt";
  id!: string;
  workspaceId!: string;
  chunkId!: string;
  model!: string;
  dimensions!: number;
  vector!: number[];
  createdAt!: Date;
}
export const EmbeddingSchema = new EntitySchema<Embedding>({
  class: Embedding,
  tableName: "embeddings",
  properties: {
    ...idProp, ...tenantProp,
    chunkId: { type: "uuid" },
    model: { type: "string" },
    dimensions: { type: "integer" },
    vector: { type: VectorType },
    createdAt: { type: "Date", onCreate: () => new Date() },
  },
  filters: { ...tenantFilter },
});

export class AgentThread {
  [OptionalProps]?: "createdAt" | "updatedAt" | "deletedAt" | "createdBy";
  id!: string;
  workspaceId!: string;
  title!: string;
  createdBy: string | null = null;
  createdAt!: Date;
  updatedAt!: Date;
  deletedAt: Date | null = null;
}
export const AgentThreadSchema = new EntitySchema<AgentThread>({
  class: AgentThread,
  tableName: "agent_threads",
  properties: {
    ...idProp, ...tenantProp,
    title: { type: "string" },
    createdBy: { type: "uuid", nullable: true },
    ...timestampProps, ...softDeleteProp,
  },
  filters: { ...tenantFilter, ...notDeletedFilter },
});

export type AgentRunStatus = "queued" | "running" | "completed" | "failed";
export class AgentRun {
  [OptionalProps]?: "createdAt" | "updatedAt" | "input" | "output" | "error" | "startedAt" | "completedAt" | "retainUntil" | "createdBy" | "inputTokens" | "outputTokens";
  id!: string;
  workspaceId!: string;
  threadId!: string;
  status!: AgentRunStatus;
  model!: string;
  input: Record<string, unknown> = {};
  output: Record<string, unknown> | null = null;
  error: string | null = null;
  startedAt: Date | null = null;
  completedAt: Date | null = null;
  retainUntil: Date | null = null;
  createdBy: string | null = null;
  /** Tokens the model reported for the run's calls (prompt / completion), recorded with its result. */
  inputTokens = 0;
  outputTokens = 0;
  createdAt!: Date;
  updatedAt!: Date;
}
export const AgentRunSchema = new EntitySchema<AgentRun>({
  class: AgentRun,
  tableName: "agent_runs",
  properties: {
    ...idProp, ...tenantProp,
    threadId: { type: "uuid" },
    status: { type: "string" },
    model: { type: "string" },
    input: { type: "json" },
    output: { type: "json", nullable: true },
    error: { type: "text", nullable: true },
    startedAt: { type: "Date", nullable: true },
    completedAt: { type: "Date", nullable: true },
    retainUntil: { type: "Date", nullable: true },
    createdBy: { type: "uuid", nullable: true },
    inputTokens: { type: "integer" },
    outputTokens: { type: "integer" },
    ...timestampProps,
  },
  filters: { ...tenantFilter },
});

export class ToolCall {
  [OptionalProps]?: "input" | "output" | "error" | "startedAt" | "completedAt";
  id!: string;
  workspaceId!: string;
  runId!: string;
  ordinal!: number;
  toolName!: string;
  input: Record<string, unknown> = {};
  output: Record<string, unknown> | null = null;
  status!: string;
  error: string | null = null;
  startedAt!: Date;
  completedAt: Date | null = null;
}
export const ToolCallSchema = new EntitySchema<ToolCall>({
  class: ToolCall,
  tableName: "tool_calls",
  properties: {
    ...idProp, ...tenantProp,
    runId: { type: "uuid" },
    ordinal: { type: "integer" },
    toolName: { type: "string" },
    input: { type: "json" },
    output: { type: "json", nullable: true },
    status: { type: "string" },
    error: { type: "text", nullable: true },
    startedAt: { type: "Date", onCreate: () => new Date() },
    completedAt: { type: "Date", nullable: true },
  },
  filters: { ...tenantFilter },
});
