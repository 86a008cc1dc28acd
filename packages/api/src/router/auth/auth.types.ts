import { z } from "zod";
import { ZTextSchema, ZTimestampSchema } from "../../dto/common.ts";
import { ZUserSchema } from "../../dto/identity.dto.ts";

const ZEmailSchema = z.email({ error: "must be an email address" }).max(254, "must be at most 254 characters");
const ZPasswordSchema = z.string().min(10, "must be at least 10 characters").max(256, "must be at most 256 characters");

export const ZSignUpRequestSchema = z.object({
  email: ZEmailSchema,
  password: ZPasswordSchema,
  displayName: ZTextSchema.trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
});
export type TSignUpRequest = z.infer<typeof ZSignUpRequestSchema>;

export const ZSignInRequestSchema = z.object({ email: ZEmailSchema, password: z.string().min(1, "must not be empty").max(256) });
export type TSignInRequest = z.infer<typeof ZSignInRequestSchema>;

export const ZRefreshRequestSchema = z.object({ refreshToken: z.string().min(1, "must not be empty").max(200) });
export type TRefreshRequest = z.infer<typeof ZRefreshRequestSchema>;

export const ZSignOutRequestSchema = z.object({ everywhere: z.boolean().default(false) }).default({ everywhere: false });

/** Tokens handed to a signed-in client. The access token also authenticates to the realtime gateway. */
export const ZAuthSessionResponseSchema = z.object({
  user: ZUserSchema,
  sessionId: z.uuid(),
  accessToken: z.string(),
  accessTokenExpiresAt: ZTimestampSchema,
  refreshToken: z.string(),
});
export type TAuthSessionResponse = z.infer<typeof ZAuthSessionResponseSchema>;

export const ZSignOutResponseSchema = z.object({ revokedSessions: z.number().int() });
