import { AppError, createWorkspace } from "@spine/domain";
import { toMyWorkspaceDto, ZMyWorkspaceSchema } from "../../dto/identity.dto.ts";
import { userProcedure } from "../../trpc.ts";
import { ZCreateWorkspaceRequestSchema } from "./workspace.types.ts";

/** Create a workspace; the caller becomes its owner. A taken slug is a CONFLICT on `slug`. */
export const createWorkspaceRoute = userProcedure
  .input(ZCreateWorkspaceRequestSchema)
  .output(ZMyWorkspaceSchema)
  .mutation(async ({ ctx, input }) => {
    try {
      return await ctx.run(async (op) => toMyWorkspaceDto(await createWorkspace(op, input)));
    } catch (err) {
      if (err instanceof AppError && err.code === "CONFLICT" && err.issues.length === 0) {
        throw AppError.conflict("slug is taken", [{ path: "slug", message: "already taken" }]);
      }
      throw err;
    }
  });
