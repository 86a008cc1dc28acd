import { errorMessage } from "@spine/bus";
import {
  AppError, assertAccessActive, githubLinkOf, mirrorGithubIssue, openCredentials, recordSyncFailure, recordSyncSuccess, startIntegrationSync,
  syncCursorOf, type Integration, type Operation,
} from "@spine/domain";
import { listRepositoryIssues, ProviderRequestError } from "../sync/github-client.ts";
import { defineWorkerHandler } from "../wiring.ts";

export const INTEGRATION_SYNC_HANDLER = "integration-sync";
export const DEFAULT_GITHUB_API = "https://api.github.com";

export interface IntegrationSyncOptions {
  /** Attempts of one sync job (its consumer's maxAttempts); the last failure is recorded on the integration. */
  maxAttempts: number;
  /** Per provider request, unless the integration's config says `timeoutMs`. */
  requestTimeoutMs: number;
}

/** Whether waiting and trying again may help (provider 5xx, timeouts, rate limits, the database). */
function isRetryable(err: unknown): boolean {
  if (err instanceof ProviderRequestError) return err.retryable;
  if (err instanceof AppError) return err.code === "UNAVAILABLE" || err.code === "INTERNAL" || err.code === "RATE_LIMITED";
  return true;
}

/** Pull the repository's issues updated since the cursor and mirror each one as an item; returns the new cursor. */
async function syncGithub(op: Operation, integration: Integration, options: IntegrationSyncOptions): Promise<{ cursor: string | null; issues: number }> {
  const link = githubLinkOf(integration);
  await assertAccessActive(op);
  const credentials = openCredentials(op, integration);
  const token = typeof credentials.token === "string" ? credentials.token : null;
  const baseUrl = typeof integration.config.baseUrl === "string" && integration.config.baseUrl ? integration.config.baseUrl : DEFAULT_GITHUB_API;
  const timeoutMs = typeof integration.config.timeoutMs === "number" && integration.config.timeoutMs > 0 ? integration.config.timeoutMs : options.requestTimeoutMs;
  const since = await syncCursorOf(op, integration.id);
  const issues = await listRepositoryIssues({ baseUrl, token, timeoutMs }, link.repository, since);
  let cursor = since;
  for (const issue of issues) {
    await mirrorGithubIssue(op, integration, link.projectId, { id: issue.id, title: String(issue.title ?? ""), body: issue.body ?? "", state: String(issue.state) });
    if (typeof issue.updated_at === "string" && (cursor === null || issue.updated_at > cursor)) cursor = issue.updated_at;
  }
  return { cursor, issues: issues.length };
}

/**
 * Sync jobs from the JOBS work queue (`integration.sync_requested`), one operation per
 * `sync:<integration>:<window>`: a second job for the same window is skipped by `job_runs`, and a
 * re-run finds nothing new past the cursor. The pulled items and the new cursor commit with the job.
 * A retryable failure (5xx, timeout, rate limit) is retried by the consumer with backoff; after the
 * last attempt — or at once for a failure that waiting cannot fix — the partial effects are rolled
 * back and `recordSyncFailure` marks the integration `error`, emits `integration.sync_failed` once,
 * and disables it after too many failed jobs in a row.
 */
export function integrationSyncHandler(options: IntegrationSyncOptions) {
  return defineWorkerHandler({
    name: INTEGRATION_SYNC_HANDLER,
    // Provider HTTP: a finished operation is skipped before its work, not rolled back after it.
    checkFirst: true,
    eventTypes: ["integration.sync_requested"],
    subjectFilter: "*.integration.sync_requested",
    operationKey: (envelope) => `sync:${envelope.payload.integration_id}:${envelope.payload.window}`,
    async handle(envelope, { op, attempt, logger }) {
      const integrationId = envelope.payload.integration_id;
      const integration = await startIntegrationSync(op, integrationId);
      if (!integration) {
        logger.info({ integration_id: integrationId }, "sync skipped: integration disconnected or disabled");
        return;
      }
      try {
        const result = await op.savepoint((inner) => syncGithub(inner, integration, options));
        await recordSyncSuccess(op, { integrationId, cursor: result.cursor });
        logger.info({ integration_id: integrationId, window: envelope.payload.window, issues: result.issues }, "sync succeeded");
      } catch (err) {
        const reason = err instanceof AppError ? `${err.code}: ${err.message}` : errorMessage(err);
        if (isRetryable(err) && attempt < options.maxAttempts) throw err;
        const failure = await recordSyncFailure(op, { integrationId, error: reason, attempt });
        logger.warn({ integration_id: integrationId, err: reason, attempt, ...failure }, "sync failed");
      }
    },
  });
}
