import { z } from "zod";

/**
 * Live steps of an agent run, as they happen: published by the process running the run on the core
 * NATS subject `astream.<workspace_id>.<run_id>` (not a JetStream stream: nothing is stored; the
 * durable record is agent_runs / tool_calls and the agent.* events), relayed by the gateway to the
 * sockets watching the run. `seq` counts the run's steps from 1; `end` is the last.
 */
export const AGENT_STREAM_PREFIX = "astream";

export function agentStreamSubject(workspaceId: string, runId: string, prefix: string = AGENT_STREAM_PREFIX): string {
  return `${prefix}.${workspaceId}.${runId}`;
}

const base = { workspace_id: z.uuid(), run_id: z.uuid(), seq: z.number().int().positive() };

export const ZAgentStreamChunkSchema = z.discriminatedUnion("kind", [
  /** Text the model produced, in order; the tokens of the final answer add up to it. */
  z.object({ ...base, kind: z.literal("token"), data: z.object({ text: z.string() }) }),
  /** The model called a tool (recorded as tool_calls row `ordinal`, agent.tool.called committed). */
  z.object({ ...base, kind: z.literal("tool_call"), data: z.object({ ordinal: z.number().int().positive(), name: z.string(), input: z.unknown() }) }),
  /** The tool call ended. */
  z.object({
    ...base, kind: z.literal("tool_result"),
    data: z.object({ ordinal: z.number().int().positive(), name: z.string(), status: z.enum(["completed", "failed"]), error: z.string().nullable() }),
  }),
  /** The run ended; its agent.run.completed / agent.run.failed event is committed. */
  z.object({
    ...base, kind: z.literal("end"),
    data: z.object({ status: z.enum(["completed", "failed"]), answer: z.string().nullable(), error: z.string().nullable() }),
  }),
]);
export type TAgentStreamChunk = z.infer<typeof ZAgentStreamChunkSchema>;
/** A step before it is numbered and addressed. */
export type TAgentStreamStep = TAgentStreamChunk extends infer C ? (C extends { kind: infer K; data: infer D } ? { kind: K; data: D } : never) : never;
