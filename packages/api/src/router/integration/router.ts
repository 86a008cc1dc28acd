import type { TRPCRouterRecord } from "@trpc/server";
import {
  disconnectIntegration, enableIntegration, findIntegration, recordActivity, requestIntegrationSync, getIntegrationHealth, listIntegrationEvents, listIntegrations, restoreIntegration, retryIntegrationEvent,
  toIntegrationView,
} from "@spine/domain";
import { z } from "zod";
import { zPage } from "../../dto/common.ts";
import {
  toIntegrationDto, toIntegrationEventDto, toIntegrationHealthDto, ZIntegrationEventSchema, ZIntegrationHealthSchema, ZIntegrationSchema,
} from "../../dto/integration.dto.ts";
import { iso, ZIdSchema, ZTimestampSchema } from "../../dto/common.ts";
import { workspaceProcedure } from "../../trpc.ts";
import { connectIntegrationRoute, nameTaken } from "./connect-integration.ts";
import { recordIntegrationActivity } from "./integration-activity.ts";
import {
  ZIntegrationEventRefSchema, ZIntegrationRefSchema, ZListIntegrationEventsRequestSchema, ZListIntegrationsRequestSchema,
} from "./integration.types.ts";
import { updateIntegrationRoute } from "./update-integration.ts";

export const integrationRouter = {
  connect: connectIntegrationRoute,
  get: workspaceProcedure("integrations.read", ZIntegrationRefSchema)
    .output(ZIntegrationSchema)
    .query(({ ctx, input }) => ctx.run(async (op) => toIntegrationDto(toIntegrationView(await findIntegration(op, input.integrationId))))),
  list: workspaceProcedure("integrations.read", ZListIntegrationsRequestSchema)
    .output(zPage(ZIntegrationSchema))
    .query(({ ctx, input }) =>
      ctx.run(async (op) => {
        const page = await listIntegrations(op, input);
        return { items: page.items.map(toIntegrationDto), nextCursor: page.nextCursor };
      }),
    ),
  update: updateIntegrationRoute,
  disconnect: workspaceProcedure("integrations.manage", ZIntegrationRefSchema)
    .output(ZIntegrationSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op) => toIntegrationDto(recordIntegrationActivity(op, "disconnected", await disconnectIntegration(op, input.integrationId))))),
  restore: workspaceProcedure("integrations.manage", ZIntegrationRefSchema)
    .output(ZIntegrationSchema)
    .mutation(({ ctx, input }) =>
      ctx.run(async (op) => toIntegrationDto(recordIntegrationActivity(op, "restored", await restoreIntegration(op, input.integrationId)))).catch((err: unknown) => {
        throw nameTaken(err);
      }),
    ),
  /** Last delivery, processing and sync state, failure counts: what the operator console shows. */
  health: workspaceProcedure("integrations.read", ZIntegrationRefSchema)
    .output(ZIntegrationHealthSchema)
    .query(({ ctx, input }) => ctx.run(async (op) => toIntegrationHealthDto(await getIntegrationHealth(op, input.integrationId)))),
  /** The latest stored inbound events, optionally only `failed` ones (with their reason). */
  events: workspaceProcedure("integrations.read", ZListIntegrationEventsRequestSchema)
    .output(z.array(ZIntegrationEventSchema))
    .query(({ ctx, input }) => ctx.run(async (op) => (await listIntegrationEvents(op, input)).map(toIntegrationEventDto))),
  /**
   * Process a failed inbound event again (audited). Allowed while access is inactive: a failed billing
   * event may be what reactivates the workspace; other providers' effects pass the gate when processed.
   */
  retryEvent: workspaceProcedure("integrations.manage", ZIntegrationEventRefSchema, { allowInactiveAccess: true })
    .output(z.object({ integrationEventId: ZIdSchema, status: z.literal("received") }))
    .mutation(({ ctx, input }) =>
      ctx.run(async (op) => {
        const retried = await retryIntegrationEvent(op, input.integrationEventId);
        recordActivity(op, {
          verb: "retried", targetType: "integration_event", targetId: retried.integrationEventId,
          summary: `retried a failed integration event`, data: { integration_event_id: retried.integrationEventId },
        });
        return { integrationEventId: retried.integrationEventId, status: "received" as const };
      }),
    ),
  /** Ask for a sync now: queued on the JOBS stream by the worker's sync scheduler (audited). */
  sync: workspaceProcedure("integrations.manage", ZIntegrationRefSchema)
    .output(z.object({ integrationId: ZIdSchema, requestedAt: ZTimestampSchema }))
    .mutation(({ ctx, input }) =>
      ctx.run(async (op) => {
        const requested = await requestIntegrationSync(op, input.integrationId);
        recordActivity(op, {
          verb: "sync_requested", targetType: "integration", targetId: requested.integrationId,
          summary: "asked for a sync now", data: { requested_at: requested.requestedAt.toISOString() },
        });
        return { integrationId: requested.integrationId, requestedAt: iso(requested.requestedAt) };
      }),
    ),
  /** Clear a status left by failed syncs (`disabled` or `error`): connected again, failure run reset (audited). */
  enable: workspaceProcedure("integrations.manage", ZIntegrationRefSchema)
    .output(ZIntegrationSchema)
    .mutation(({ ctx, input }) =>
      ctx.run(async (op) => toIntegrationDto(recordIntegrationActivity(op, "enabled", toIntegrationView(await enableIntegration(op, input.integrationId))))),
    ),
} satisfies TRPCRouterRecord;
