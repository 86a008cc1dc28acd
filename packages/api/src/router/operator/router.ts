import type { TRPCRouterRecord } from "@trpc/server";
import {
  findOperatorDeadLetter, findOperatorIntegrationEvent, listOperatorDeadLetters, listOperatorFailedIntegrationEvents, recordActivity,
  recordSystemAudit, requestDeadLetterReplay, retryIntegrationEvent, type OperatorIntegrationEventRow,
} from "@spine/domain";
import { z } from "zod";
import { ZIdSchema, ZTextSchema, ZTimestampSchema } from "../../dto/common.ts";
import { operatorProcedure } from "../../trpc.ts";
import { toDeadLetterDto, ZDeadLetterSchema } from "../dead-letter/router.ts";

export const ZOperatorDeadLetterSchema = ZDeadLetterSchema.extend({ workspaceId: ZIdSchema, workspaceName: z.string() });
export type TOperatorDeadLetter = z.infer<typeof ZOperatorDeadLetterSchema>;

export const ZOperatorIntegrationEventSchema = z.object({
  id: ZIdSchema, workspaceId: ZIdSchema, workspaceName: z.string(), integrationId: ZIdSchema, integrationName: z.string(), provider: z.string(),
  sourceEventId: z.string(), eventType: z.string(), status: z.string(), error: z.string().nullable(), attempts: z.number().int(),
  receivedAt: ZTimestampSchema, processedAt: ZTimestampSchema.nullable(),
});
export type TOperatorIntegrationEvent = z.infer<typeof ZOperatorIntegrationEventSchema>;

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

function toIntegrationEventDto(r: OperatorIntegrationEventRow): TOperatorIntegrationEvent {
  return {
    id: r.id, workspaceId: r.workspace_id, workspaceName: r.workspace_name, integrationId: r.integration_id, integrationName: r.integration_name,
    provider: r.provider, sourceEventId: r.source_event_id, eventType: r.event_type, status: r.status, error: r.error, attempts: r.attempts,
    receivedAt: iso(r.received_at) ?? "", processedAt: iso(r.processed_at),
  };
}

const ZLimitSchema = z.number().int().min(1).max(200).default(100);
const ZListOperatorDeadLettersSchema = z.object({
  workspaceId: ZIdSchema.optional(),
  status: z.enum(["dead", "replayed"]).optional(),
  handler: ZTextSchema.max(100).optional(),
  limit: ZLimitSchema,
});
const ZDeadLetterRefSchema = z.object({ deadLetterId: ZIdSchema });
const ZListFailedEventsSchema = z.object({ workspaceId: ZIdSchema.optional(), limit: ZLimitSchema });
const ZIntegrationEventRefSchema = z.object({ integrationEventId: ZIdSchema });

/**
 * The platform operator's console (`operator.*`): dead letters and failed inbound integration events
 * of every workspace — list, inspect, replay or retry. Only a platform operator may call these
 * (FORBIDDEN otherwise; `spine operators grant` is the only way to become one). A replay or retry
 * acts in the affected workspace as the operator: audited in that workspace's audit log (with
 * `via: platform_operator`), in its activity feed, and in the system audit trail.
 */
export const operatorRouter = {
  deadLetters: {
    list: operatorProcedure
      .input(ZListOperatorDeadLettersSchema)
      .output(z.array(ZOperatorDeadLetterSchema))
      .query(({ ctx, input }) =>
        ctx.runSystem(async (op) => (await listOperatorDeadLetters(op, input)).map((r) => ({ ...toDeadLetterDto(r), workspaceId: r.workspace_id, workspaceName: r.workspace_name }))),
      ),
    get: operatorProcedure
      .input(ZDeadLetterRefSchema)
      .output(ZOperatorDeadLetterSchema)
      .query(({ ctx, input }) =>
        ctx.runSystem(async (op) => {
          const r = await findOperatorDeadLetter(op, input.deadLetterId);
          return { ...toDeadLetterDto(r), workspaceId: r.workspace_id, workspaceName: r.workspace_name };
        }),
      ),
    replay: operatorProcedure
      .input(ZDeadLetterRefSchema)
      .output(ZOperatorDeadLetterSchema)
      .mutation(async ({ ctx, input }) => {
        const found = await ctx.runSystem((op) => findOperatorDeadLetter(op, input.deadLetterId));
        return ctx.runIn(found.workspace_id, async (op) => {
          const row = await requestDeadLetterReplay(op, found.id, { via: "platform_operator" });
          recordActivity(op, {
            verb: "replay_requested", targetType: "dead_letter_job", targetId: row.id,
            summary: `a platform operator asked for a replay of a dead letter of ${row.handler}`, data: { handler: row.handler, event_type: row.event_type, via: "platform_operator" },
          });
          await recordSystemAudit(op, {
            action: "operator.dead_letter.replay_requested", targetType: "dead_letter_job", targetId: row.id,
            details: { workspace_id: found.workspace_id, handler: row.handler, event_type: row.event_type },
          });
          return { ...toDeadLetterDto(row), workspaceId: found.workspace_id, workspaceName: found.workspace_name };
        });
      }),
  },
  failedIntegrationEvents: {
    list: operatorProcedure
      .input(ZListFailedEventsSchema)
      .output(z.array(ZOperatorIntegrationEventSchema))
      .query(({ ctx, input }) => ctx.runSystem(async (op) => (await listOperatorFailedIntegrationEvents(op, input)).map(toIntegrationEventDto))),
    retry: operatorProcedure
      .input(ZIntegrationEventRefSchema)
      .output(z.object({ integrationEventId: ZIdSchema, workspaceId: ZIdSchema, status: z.literal("received") }))
      .mutation(async ({ ctx, input }) => {
        const found = await ctx.runSystem((op) => findOperatorIntegrationEvent(op, input.integrationEventId));
        return ctx.runIn(found.workspace_id, async (op) => {
          const retried = await retryIntegrationEvent(op, found.id, { via: "platform_operator" });
          recordActivity(op, {
            verb: "retried", targetType: "integration_event", targetId: retried.integrationEventId,
            summary: "a platform operator retried a failed integration event", data: { integration_event_id: retried.integrationEventId, via: "platform_operator" },
          });
          await recordSystemAudit(op, {
            action: "operator.integration_event.retried", targetType: "integration_event", targetId: retried.integrationEventId,
            details: { workspace_id: found.workspace_id, integration_id: found.integration_id },
          });
          return { integrationEventId: retried.integrationEventId, workspaceId: found.workspace_id, status: "received" as const };
        });
      }),
  },
} satisfies TRPCRouterRecord;
