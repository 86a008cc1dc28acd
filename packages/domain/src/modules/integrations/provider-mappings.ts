import { z } from "zod";
import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { accessStatus, assertAccessActive } from "../governance/assert-access-active.ts";
import { applyLifecycleEvent, type LifecycleEvent } from "../governance/apply-lifecycle-event.ts";
import { upsertExternalItem } from "../product/upsert-external-item.ts";
import type { Integration } from "./entities.ts";

/** What processing one stored provider event did: an effect, or why it had none. */
export interface MappingResult {
  status: "processed" | "ignored";
  /** Why it was ignored, or a short note of the effect. */
  note: string;
}

export interface StoredProviderEvent {
  id: string;
  eventType: string;
  payload: Record<string, unknown>;
}

/** Providers whose events are billing (access lifecycle): their path is allowed while access is inactive. */
export const BILLING_PROVIDERS: ReadonlySet<string> = new Set(["stripe"]);

const ZGithubIssue = z.object({
  id: z.union([z.number().int(), z.string().min(1)]),
  number: z.number().int().optional(),
  title: z.string(),
  body: z.string().nullable().optional(),
  state: z.string(),
});
const ZGithubIssuesEvent = z.object({
  action: z.string(),
  issue: ZGithubIssue,
  repository: z.object({ full_name: z.string() }),
});
export type TGithubIssue = z.infer<typeof ZGithubIssue>;

/** The linked project and repository of a GitHub integration (config `projectId`, `repository` "owner/name"). */
export function githubLinkOf(integration: Integration): { projectId: string; repository: string } {
  const projectId = integration.config.projectId;
  const repository = integration.config.repository;
  if (typeof projectId !== "string" || typeof repository !== "string" || !projectId || !repository) {
    throw AppError.badRequest("the GitHub integration's config needs projectId and repository (owner/name)", [
      { path: "config", message: "projectId and repository are required to map issues to items" },
    ]);
  }
  return { projectId, repository };
}

/** Mirror one GitHub issue as an item of the linked project (created, updated or unchanged). */
export async function mirrorGithubIssue(op: Operation, integration: Integration, projectId: string, issue: TGithubIssue) {
  return upsertExternalItem(op, {
    projectId, source: integration.id, externalId: String(issue.id), title: issue.title, body: issue.body ?? "",
    closed: issue.state === "closed",
  });
}

const GITHUB_ISSUE_ACTIONS = new Set(["opened", "edited", "closed", "reopened"]);

async function mapGithub(op: Operation, integration: Integration, event: StoredProviderEvent): Promise<MappingResult> {
  if (event.eventType !== "issues") return { status: "ignored", note: `github event ${event.eventType} is not mapped` };
  const parsed = ZGithubIssuesEvent.safeParse(event.payload);
  if (!parsed.success) throw AppError.badRequest(`github issues payload is malformed: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  const { action, issue, repository } = parsed.data;
  if (!GITHUB_ISSUE_ACTIONS.has(action)) return { status: "ignored", note: `github issues action ${action} is not mapped` };
  const link = githubLinkOf(integration);
  if (repository.full_name.toLowerCase() !== link.repository.toLowerCase()) {
    return { status: "ignored", note: `repository ${repository.full_name} is not linked to this integration` };
  }
  // Items are writes to the workspace: the access gate applies (the event fails and can be retried after reactivation).
  await assertAccessActive(op);
  const { outcome, itemId } = await mirrorGithubIssue(op, integration, link.projectId, issue);
  return { status: "processed", note: `item ${itemId} ${outcome}` };
}

const ZStripeSubscriptionEvent = z.object({
  id: z.string(),
  type: z.string(),
  created: z.number().int().positive().optional(),
  data: z.object({
    object: z.object({
      id: z.string(),
      status: z.string(),
      customer: z.string().nullable().optional(),
      metadata: z.record(z.string(), z.unknown()).nullable().optional(),
      items: z.object({ data: z.array(z.object({ price: z.object({ lookup_key: z.string().nullable().optional() }).optional() })) }).optional(),
    }),
  }),
});

const LIVE_SUBSCRIPTION = new Set(["active", "trialing"]);
const ENDED_SUBSCRIPTION = new Set(["canceled", "unpaid", "incomplete_expired"]);

/**
 * Stripe subscriptions → the access lifecycle, through the governance fold (`applyLifecycleEvent`).
 * This is the billing entry point the access gate lets through: it never calls the gate, so a
 * reactivation reaches an inactive workspace.
 */
async function mapStripe(op: Operation, integration: Integration, event: StoredProviderEvent): Promise<MappingResult> {
  if (!event.eventType.startsWith("customer.subscription.")) return { status: "ignored", note: `stripe event ${event.eventType} is not mapped` };
  const parsed = ZStripeSubscriptionEvent.safeParse(event.payload);
  if (!parsed.success) throw AppError.badRequest(`stripe subscription payload is malformed: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  const sub = parsed.data.data.object;
  const linkedCustomer = integration.config.customer;
  if (typeof linkedCustomer === "string" && linkedCustomer && sub.customer !== linkedCustomer) {
    return { status: "ignored", note: `customer ${sub.customer ?? "none"} is not linked to this workspace` };
  }
  const effectiveAt = new Date((parsed.data.created ?? Math.floor(Date.now() / 1000)) * 1000).toISOString();
  const metaPlan = sub.metadata?.plan;
  const plan = String(
    (typeof metaPlan === "string" && metaPlan) || sub.items?.data[0]?.price?.lookup_key || (typeof integration.config.plan === "string" && integration.config.plan) || "pro",
  ).slice(0, 64);
  let lifecycle: LifecycleEvent | null = null;
  if (event.eventType === "customer.subscription.deleted" || ENDED_SUBSCRIPTION.has(sub.status)) {
    const reason = event.eventType === "customer.subscription.deleted" ? "stripe subscription deleted" : `stripe subscription ${sub.status}`;
    lifecycle = { type: "access.deactivated", payload: { reason, effective_at: effectiveAt } };
  } else if ((event.eventType === "customer.subscription.created" || event.eventType === "customer.subscription.updated") && LIVE_SUBSCRIPTION.has(sub.status)) {
    const { status } = await accessStatus(op);
    lifecycle = status === "active"
      ? { type: "access.changed", payload: { plan, effective_at: effectiveAt, expires_at: null } }
      : { type: "access.activated", payload: { plan, effective_at: effectiveAt, expires_at: null } };
  }
  if (!lifecycle) return { status: "ignored", note: `stripe ${event.eventType} with subscription status ${sub.status} changes no access` };
  const state = await applyLifecycleEvent(op, lifecycle);
  return { status: "processed", note: `${lifecycle.type} (access ${state.state})` };
}

/**
 * How each provider's events map to Spine. Standard Webhooks (and any provider without a mapping)
 * are stored and marked `ignored`: they have no domain effect of their own.
 */
export async function mapProviderEvent(op: Operation, integration: Integration, event: StoredProviderEvent): Promise<MappingResult> {
  switch (integration.provider) {
    case "github":
      return mapGithub(op, integration, event);
    case "stripe":
      return mapStripe(op, integration, event);
    default:
      return { status: "ignored", note: `provider ${integration.provider} has no mapping to Spine` };
  }
}
