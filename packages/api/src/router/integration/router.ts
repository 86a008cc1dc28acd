import type { TRPCRouterRecord } from "@trpc/server";
import { disconnectIntegration, findIntegration, listIntegrations, restoreIntegration, toIntegrationView } from "@spine/domain";
import { zPage } from "../../dto/common.ts";
import { toIntegrationDto, ZIntegrationSchema } from "../../dto/integration.dto.ts";
import { workspaceProcedure } from "../../trpc.ts";
import { connectIntegrationRoute, nameTaken } from "./connect-integration.ts";
import { recordIntegrationActivity } from "./integration-activity.ts";
import { ZIntegrationRefSchema, ZListIntegrationsRequestSchema } from "./integration.types.ts";
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
} satisfies TRPCRouterRecord;
