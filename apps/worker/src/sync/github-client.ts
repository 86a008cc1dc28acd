/**
 * A GitHub-compatible REST client for the sync jobs: list a repository's issues updated since a
 * cursor, following `Link: rel="next"` pagination. The base URL comes from the integration's config
 * (`baseUrl`, default https://api.github.com), so tests point it at a local fake server.
 */

export interface GithubIssue {
  id: number | string;
  number?: number;
  title: string;
  body?: string | null;
  state: string;
  updated_at: string;
  pull_request?: unknown;
}

export interface GithubClientOptions {
  baseUrl: string;
  token: string | null;
  /** Per request. */
  timeoutMs: number;
  /** Stop after this many pages (a runaway pagination is an error). */
  maxPages?: number;
}

/** Why a request to the provider failed; `retryable` is false for answers that will not change by waiting. */
export class ProviderRequestError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
    this.name = "ProviderRequestError";
  }
}

function nextLink(link: string | null): string | null {
  if (!link) return null;
  for (const part of link.split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (m) return m[1]!;
  }
  return null;
}

async function getJson(url: string, options: GithubClientOptions): Promise<{ body: unknown; next: string | null }> {
  let res: Response;
  try {
    res = await fetch(url, {
      headers: {
        accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28", "user-agent": "spine-sync",
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    throw new ProviderRequestError(timedOut ? `timed out after ${options.timeoutMs} ms: GET ${new URL(url).pathname}` : `request failed: ${(err as Error).message}`, true);
  }
  if ((res.status === 403 || res.status === 429) && (res.headers.get("x-ratelimit-remaining") === "0" || res.headers.has("retry-after"))) {
    await res.body?.cancel();
    const reset = res.headers.get("x-ratelimit-reset");
    const until = reset && /^\d+$/.test(reset) ? new Date(Number(reset) * 1000).toISOString() : res.headers.get("retry-after") ?? "later";
    throw new ProviderRequestError(`rate limited by the provider (HTTP ${res.status}) until ${until}`, true);
  }
  if (!res.ok) {
    const text = (await res.text().catch(() => "")).slice(0, 200);
    throw new ProviderRequestError(`HTTP ${res.status} from GET ${new URL(url).pathname}${text ? `: ${text}` : ""}`, res.status >= 500 || res.status === 408);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ProviderRequestError(`the provider answered GET ${new URL(url).pathname} with invalid JSON`, true);
  }
  return { body, next: nextLink(res.headers.get("link")) };
}

/** Every issue (not pull request) of `repository` updated at or after `since`, oldest update first. */
export async function listRepositoryIssues(options: GithubClientOptions, repository: string, since: string | null): Promise<GithubIssue[]> {
  const url = new URL(`${options.baseUrl.replace(/\/+$/, "")}/repos/${repository}/issues`);
  url.searchParams.set("state", "all");
  url.searchParams.set("sort", "updated");
  url.searchParams.set("direction", "asc");
  url.searchParams.set("per_page", "100");
  if (since) url.searchParams.set("since", since);
  const issues: GithubIssue[] = [];
  let next: string | null = url.toString();
  let pages = 0;
  while (next) {
    if (++pages > (options.maxPages ?? 100)) throw new ProviderRequestError(`more than ${options.maxPages ?? 100} pages of issues`, false);
    // Pagination must stay on the configured host (a Link header cannot send the token elsewhere).
    if (new URL(next).origin !== url.origin) throw new ProviderRequestError("pagination link points to another host", false);
    const page: { body: unknown; next: string | null } = await getJson(next, options);
    if (!Array.isArray(page.body)) throw new ProviderRequestError("the provider's issue list is not an array", false);
    for (const raw of page.body as GithubIssue[]) {
      if (raw && typeof raw === "object" && !raw.pull_request) issues.push(raw);
    }
    next = page.next;
  }
  return issues;
}
