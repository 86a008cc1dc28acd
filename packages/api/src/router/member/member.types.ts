import { z } from "zod";
import { ZIdSchema, ZTextSchema } from "../../dto/common.ts";

const ZRoleKeySchema = ZTextSchema.min(1, "must not be empty").max(64, "must be at most 64 characters");
export const ZAddMemberRequestSchema = z.object({ email: z.email({ error: "must be an email address" }).max(254), roleKey: ZRoleKeySchema });
export const ZChangeMemberRoleRequestSchema = z.object({ membershipId: ZIdSchema, roleKey: ZRoleKeySchema });
export const ZRemoveMemberRequestSchema = z.object({ membershipId: ZIdSchema });
