import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { findJsonDepthViolation, findUnstorableJsonText, hideExistence, httpStatusOf, unstorableTextReason } from "@spine/contracts";
import { AppError, findIntegration, openWebhookSecrets, recordIntegrationEvent, type Domain } from "@spine/domain";
import { BodyTooLargeError, readBodyCapped } from "./read-body.ts";
import type { VerifiedDelivery } from "./providers/provider.ts";
import { webhookProviderFor } from "./providers/registry.ts";
import { WebhookRejectedError } from "./verify-signature.ts";

export interface WebhookLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface WebhookIngressOptions {
  domain: Domain;
  /** Bodies above this are refused before anything is hashed. Default 256 KiB. */
  maxBodyBytes?: number;
  logger?: WebhookLogger;
}

/** `/webhooks/<workspace_id>/<integration_id>`: the workspace scopes the lookup, so no RLS bypass is needed. */
export const WEBHOOK_ROUTE = /^\/webhooks\/([0-9a-f-]{36})\/([0-9a-f-]{36})\/?$/i;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function send(res: ServerResponse, status: number, body: Record<string, unknown>, correlationId: string): void {
  res.writeHead(status, { "content-type": "application/json", "x-correlation-id": correlationId });
  res.end(JSON.stringify(body));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Refuse (naming the field) a verified delivery PostgreSQL could not store: NUL or lone surrogates in any string. */
function assertStorable(delivery: VerifiedDelivery): void {
  const idReason = unstorableTextReason(delivery.id);
  if (idReason) throw AppError.badRequest(`delivery id ${idReason}`, [{ path: "id", message: idReason }]);
  const inPayload = findUnstorableJsonText(delivery.payload);
  if (inPayload) throw AppError.badRequest(`${inPayload.path}: ${inPayload.message}`, [inPayload]);
  const typeReason = unstorableTextReason(delivery.eventType);
  if (typeReason) throw AppError.badRequest(`event type ${typeReason}`, [{ path: "type", message: typeReason }]);
}

/**
 * Inbound webhooks: cap the body, verify the delivery with the integration's provider scheme
 * (Standard Webhooks, GitHub, Stripe) against its secret(s), store the event once per
 * (source = the integration, source_event_id = the provider's delivery id) and announce it with
 * `webhook.received` in the same transaction. A repeat answers 2xx and does nothing twice.
 */
export function createWebhookIngress(options: WebhookIngressOptions) {
  const limit = options.maxBodyBytes ?? 256 * 1024;
  return async function handleWebhook(req: IncomingMessage, res: ServerResponse, rawWorkspaceId: string, rawIntegrationId: string, requestCorrelationId?: string): Promise<void> {
    // Ids are canonical lower case from the edge on.
    const workspaceId = rawWorkspaceId.toLowerCase();
    const integrationId = rawIntegrationId.toLowerCase();
    const correlationId = requestCorrelationId ?? (header(req, "x-correlation-id")?.slice(0, 200) || `webhook-${randomUUID()}`);
    if (req.method !== "POST") return send(res, 405, { error: { code: "BAD_REQUEST", message: "use POST" } }, correlationId);
    if (!UUID.test(workspaceId) || !UUID.test(integrationId)) {
      return send(res, 404, { error: { code: "NOT_FOUND", message: "integration not found" } }, correlationId);
    }
    try {
      const body = await readBodyCapped(req, limit);
      // Depth is judged on the raw text, once, before the body is parsed, hashed or stored.
      const tooDeep = findJsonDepthViolation(body);
      if (tooDeep) throw AppError.badRequest(`body: ${tooDeep.path}: ${tooDeep.message}`, [tooDeep]);
      const result = await options.domain.run(
        { workspaceId, actorId: null, actorType: "integration", correlationId },
        async (op) => {
          const integration = await findIntegration(op, integrationId);
          const secrets = openWebhookSecrets(op, integration);
          const verified = webhookProviderFor(integration.provider).verify(secrets, body, (name) => header(req, name), new Date());
          assertStorable(verified);
          // The use-case makes the sending integration the source, so two integrations of one provider never collide.
          return recordIntegrationEvent(op, {
            integrationId: integration.id,
            sourceEventId: verified.id.slice(0, 255),
            eventType: verified.eventType.slice(0, 200),
            payload: verified.payload,
          });
        },
      );
      options.logger?.info({ correlation_id: correlationId, integration_id: integrationId, duplicate: !result.created }, "webhook stored");
      return send(res, result.created ? 202 : 200, { status: result.created ? "accepted" : "duplicate", integration_event_id: result.integrationEventId }, correlationId);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        return send(res, 413, { error: { code: "PAYLOAD_TOO_LARGE", message: `body exceeds ${err.limitBytes} bytes` } }, correlationId);
      }
      if (err instanceof WebhookRejectedError) {
        options.logger?.warn({ correlation_id: correlationId, integration_id: integrationId, reason: err.reason }, "webhook rejected");
        return send(res, 401, { error: { code: "UNAUTHENTICATED", message: "signature verification failed", reason: err.reason } }, correlationId);
      }
      if (err instanceof AppError && err.code !== "INTERNAL") {
        if (err.code === "UNAVAILABLE") res.setHeader("retry-after", "1");
        // A sender outside the workspace may not learn what exists in it.
        const shown = hideExistence(err.code, "integration not found", err.message);
        const hidden = shown.code !== err.code;
        const extra = {
          ...(!hidden && err.issues.length > 0 ? { issues: err.issues.slice(0, 20) } : {}),
          ...(!hidden && err.details ? { details: err.details } : {}),
        };
        return send(res, httpStatusOf(shown.code), { error: { code: shown.code, message: shown.message, ...extra } }, correlationId);
      }
      options.logger?.error({ correlation_id: correlationId, err }, "webhook failed");
      return send(res, 500, { error: { code: "INTERNAL", message: "internal error" } }, correlationId);
    }
  };
}
