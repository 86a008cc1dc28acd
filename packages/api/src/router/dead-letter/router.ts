import type { TRPCRouterRecord } from "@trpc/server";
import { getDeadLetter, listDeadLetters, recordActivity, requestDeadLetterReplay, type DeadLetterRow } from "@spine/domain";
import { z } from "zod";
import { ZIdSchema, ZTextSchema, ZTimestampSchema } from "../../dto/common.ts";
import { workspaceProcedure } from "../../trpc.ts";

export const ZDeadLetterSchema = z.object({
  id: ZIdSchema, handler: z.string(), eventId: ZIdSchema.nullable(), eventType: z.string().nullable(), subject: z.string(),
  envelope: z.unknown(), error: z.string(), attempts: z.number().int(), status: z.enum(["dead", "replayed"]),
  replayAttempts: z.number().int(), replayedAt: ZTimestampSchema.nullable(), replayError: z.string().nullable(),
  replayRequestedAt: ZTimestampSchema.nullable(), createdAt: ZTimestampSchema,
});
export type TDeadLetter = z.infer<typeof ZDeadLetterSchema>;

/** Raw rows carry timestamps as the driver parsed them. */
const when = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export function toDeadLetterDto(r: DeadLetterRow): TDeadLetter {
  return {
    id: r.id, handler: r.handler, eventId: r.event_id, eventType: r.event_type, subject: r.subject, envelope: r.envelope, error: r.error,
    attempts: r.attempts, status: r.status, replayAttempts: r.replay_attempts, replayedAt: when(r.replayed_at), replayError: r.replay_error,
    replayRequestedAt: when(r.replay_requested_at), createdAt: when(r.created_at) ?? "",
  };
}

const ZDeadLetterRefSchema = z.object({ deadLetterId: ZIdSchema });
const ZListDeadLettersRequestSchema = z.object({
  status: z.enum(["dead", "replayed"]).optional(),
  handler: ZTextSchema.max(100).optional(),
  limit: z.number().int().min(1).max(200).default(100),
});

/**
 * The workspace's dead letters (messages a consumer gave up on): listed and inspected by whoever may
 * read the audit log (owners, admins); a replay is asked for by whoever may change the workspace
 * (`workspace.update`) and run by the worker, which holds the handlers.
 */
export const deadLetterRouter = {
  list: workspaceProcedure("audit.read", ZListDeadLettersRequestSchema)
    .output(z.array(ZDeadLetterSchema))
    .query(({ ctx, input }) => ctx.run(async (op) => (await listDeadLetters(op, input)).map(toDeadLetterDto))),
  get: workspaceProcedure("audit.read", ZDeadLetterRefSchema)
    .output(ZDeadLetterSchema)
    .query(({ ctx, input }) => ctx.run(async (op) => toDeadLetterDto(await getDeadLetter(op, input.deadLetterId)))),
  replay: workspaceProcedure("workspace.update", ZDeadLetterRefSchema)
    .output(ZDeadLetterSchema)
    .mutation(({ ctx, input }) =>
      ctx.run(async (op) => {
        const row = await requestDeadLetterReplay(op, input.deadLetterId);
        recordActivity(op, {
          verb: "replay_requested", targetType: "dead_letter_job", targetId: row.id,
          summary: `asked for a replay of a dead letter of ${row.handler}`, data: { handler: row.handler, event_type: row.event_type },
        });
        return toDeadLetterDto(row);
      }),
    ),
} satisfies TRPCRouterRecord;
