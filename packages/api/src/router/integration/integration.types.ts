import { z } from "zod";
import { ZIdSchema, ZJsonObjectSchema, ZNameSchema, ZPageInputSchema } from "../../dto/common.ts";

export const ZProviderSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(64, "must be at most 64 characters")
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "must be lowercase letters, digits, '.', '_' or '-'");

const SECRET = /^(whsec_)?[A-Za-z0-9+/]+={0,2}$/;
const MAX_SECRETS = 2;
/** GitHub and Stripe key their HMAC with the secret string as typed: 16 to 128 visible characters. */
const OPAQUE = /^[\x21-\x7e]{16,128}$/;
/** Providers whose deliveries are not Standard Webhooks (see @spine/webhooks' provider registry). */
const OPAQUE_SECRET_PROVIDERS = new Set(["github", "stripe"]);
/** Standard Webhooks: a secret is 24 to 64 random bytes, base64, optionally prefixed `whsec_`. */
function isStandardSecret(secret: string): boolean {
  if (!SECRET.test(secret)) return false;
  const bytes = Buffer.from(secret.replace(/^whsec_/, ""), "base64").length;
  return bytes >= 24 && bytes <= 64;
}

/**
 * One webhook signing secret, or the current and the previous one separated by a space (rotation:
 * deliveries signed with either verify until the previous one is dropped).
 */
export const ZWebhookSecretsSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(400, "must be at most 400 characters")
  .refine((v) => v.split(/\s+/).length <= MAX_SECRETS, `must hold at most ${MAX_SECRETS} secrets (current and previous)`)
  .refine((v) => v.split(/\s+/).every((x) => OPAQUE.test(x)), "each secret must be 16-128 visible characters")
  .transform((v) => v.split(/\s+/).join(" "));

export const ZConnectIntegrationRequestSchema = z.object({
  provider: ZProviderSchema,
  name: ZNameSchema,
  config: ZJsonObjectSchema.optional(),
  /** Stored, never returned. */
  credentials: ZJsonObjectSchema,
  /** Checked against the provider's scheme with `webhookSecretProblem`. */
  webhookSecret: ZWebhookSecretsSchema.optional(),
});

/** Why these secrets cannot verify this provider's deliveries, or null when they can. */
export function webhookSecretProblem(provider: string, secrets: string | null | undefined): string | null {
  if (!secrets || OPAQUE_SECRET_PROVIDERS.has(provider)) return null;
  return secrets.split(" ").every(isStandardSecret) ? null : "each Standard Webhooks secret must be 24-64 base64 bytes, optionally prefixed whsec_";
}

export const ZIntegrationRefSchema = z.object({ integrationId: ZIdSchema });

export const ZUpdateIntegrationRequestSchema = z.object({
  integrationId: ZIdSchema,
  name: ZNameSchema.optional(),
  config: ZJsonObjectSchema.optional(),
  /** Replaces the stored credentials (rotation). */
  credentials: ZJsonObjectSchema.optional(),
  /** New secret(s); null removes webhook verification (every delivery is then refused). */
  webhookSecret: ZWebhookSecretsSchema.nullable().optional(),
  /** With a new `webhookSecret`: keep the currently active secret valid as the previous one. */
  keepPreviousWebhookSecret: z.boolean().default(false),
});
export type TUpdateIntegrationRequest = z.infer<typeof ZUpdateIntegrationRequestSchema>;

export const ZListIntegrationsRequestSchema = ZPageInputSchema.extend({
  provider: ZProviderSchema.optional(),
  includeDeleted: z.boolean().default(false),
});

export const ZListIntegrationEventsRequestSchema = z.object({
  integrationId: ZIdSchema,
  status: z.enum(["received", "processed", "ignored", "failed"]).optional(),
  limit: z.number().int().min(1).max(100).default(50),
});

export const ZIntegrationEventRefSchema = z.object({ integrationEventId: ZIdSchema });
