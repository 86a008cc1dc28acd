import { AppError, connectIntegration } from "@spine/domain";
import { toIntegrationDto, ZIntegrationSchema } from "../../dto/integration.dto.ts";
import { workspaceProcedure } from "../../trpc.ts";
import { recordIntegrationActivity } from "./integration-activity.ts";
import { webhookSecretProblem, ZConnectIntegrationRequestSchema } from "./integration.types.ts";

/** A live integration with the same provider and name is a CONFLICT on `name`. */
export function nameTaken(err: unknown): unknown {
  if (err instanceof AppError && err.code === "CONFLICT" && err.issues.length === 0) {
    return AppError.conflict("an integration of this provider with this name exists", [{ path: "name", message: "already taken for this provider" }]);
  }
  return err;
}

/** Connect a provider; the response says whether secrets are set, never what they are. */
export const connectIntegrationRoute = workspaceProcedure("integrations.manage", ZConnectIntegrationRequestSchema)
  .output(ZIntegrationSchema)
  .mutation(async ({ ctx, input }) => {
    const problem = webhookSecretProblem(input.provider, input.webhookSecret);
    if (problem) throw AppError.badRequest(problem, [{ path: "webhookSecret", message: problem }]);
    try {
      return await ctx.run(async (op) => toIntegrationDto(recordIntegrationActivity(op, "connected", await connectIntegration(op, input))));
    } catch (err) {
      throw nameTaken(err);
    }
  });
