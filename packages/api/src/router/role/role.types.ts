import { ZPermissionSchema } from "@spine/domain";
import { z } from "zod";
import { zBoundedArray, ZIdSchema, ZTextSchema } from "../../dto/common.ts";

const ZRoleNameSchema = ZTextSchema.trim().min(1, "must not be empty").max(100, "must be at most 100 characters");
const ZPermissionsSchema = zBoundedArray(ZPermissionSchema, 50);
export const ZCreateRoleRequestSchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_-]{1,39}$/, "2-40 lowercase letters, digits, - or _, starting with a letter")
    .refine((k) => !["owner", "admin", "member", "viewer"].includes(k), "is a built-in role key"),
  name: ZRoleNameSchema,
  permissions: ZPermissionsSchema,
});
export const ZUpdateRoleRequestSchema = z.object({ roleId: ZIdSchema, name: ZRoleNameSchema.optional(), permissions: ZPermissionsSchema.optional() });
export const ZDeleteRoleRequestSchema = z.object({ roleId: ZIdSchema });
