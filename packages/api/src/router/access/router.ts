import type { TRPCRouterRecord } from "@trpc/server";
import { findAccessState } from "@spine/domain";
import { toAccessStateDto, ZAccessStateSchema } from "../../dto/governance.dto.ts";
import { workspaceProcedure } from "../../trpc.ts";
import { changeAccessRoute } from "./change-access.ts";

export const accessRouter = {
  /** The workspace's stored access state, with `status` as the access gate sees it now (active | inactive | expired). */
  get: workspaceProcedure("access.read")
    .output(ZAccessStateSchema)
    .query(({ ctx }) => ctx.run(async (op) => toAccessStateDto(await findAccessState(op), new Date()))),
  change: changeAccessRoute,
} satisfies TRPCRouterRecord;
