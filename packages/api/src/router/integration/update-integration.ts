import { AppError, findIntegration, openWebhookSecrets, type Operation, updateIntegration } from "@spine/domain";
import { toIntegrationDto, ZIntegrationSchema } from "../../dto/integration.dto.ts";
import { workspaceProcedure } from "../../trpc.ts";
import { nameTaken } from "./connect-integration.ts";
import { recordIntegrationActivity } from "./integration-activity.ts";
import { webhookSecretProblem, ZUpdateIntegrationRequestSchema, type TUpdateIntegrationRequest } from "./integration.types.ts";

/** The secret(s) to store: the new one(s), plus the currently active secret when asked to keep it. */
async function nextWebhookSecret(op: Operation, input: TUpdateIntegrationRequest): Promise<string | null | undefined> {
  if (!input.keepPreviousWebhookSecret) return input.webhookSecret;
  if (typeof input.webhookSecret !== "string") {
    throw AppError.badRequest("keepPreviousWebhookSecret needs a new webhookSecret", [
      { path: "keepPreviousWebhookSecret", message: "only with a new webhookSecret" },
    ]);
  }
  const incoming = input.webhookSecret.split(" ");
  if (incoming.length > 1) {
    throw AppError.badRequest("send one new secret when keeping the previous one", [{ path: "webhookSecret", message: "one secret with keepPreviousWebhookSecret" }]);
  }
  const current = openWebhookSecrets(op, await findIntegration(op, input.integrationId))[0];
  return current && current !== incoming[0] ? `${input.webhookSecret} ${current}` : input.webhookSecret;
}

/** Rename, reconfigure or rotate secrets; rotation may keep the active secret valid as the previous one. */
export const updateIntegrationRoute = workspaceProcedure("integrations.manage", ZUpdateIntegrationRequestSchema)
  .output(ZIntegrationSchema)
  .mutation(async ({ ctx, input }) => {
    try {
      return await ctx.run(async (op) => {
        const webhookSecret = await nextWebhookSecret(op, input);
        const problem = webhookSecretProblem((await findIntegration(op, input.integrationId)).provider, input.webhookSecret);
        if (problem) throw AppError.badRequest(problem, [{ path: "webhookSecret", message: problem }]);
        const view = await updateIntegration(op, {
          integrationId: input.integrationId,
          ...(input.name === undefined ? {} : { name: input.name }),
          ...(input.config === undefined ? {} : { config: input.config }),
          ...(input.credentials === undefined ? {} : { credentials: input.credentials }),
          ...(webhookSecret === undefined ? {} : { webhookSecret }),
        });
        return toIntegrationDto(recordIntegrationActivity(op, "updated", view));
      });
    } catch (err) {
      throw nameTaken(err);
    }
  });
