/** The one error vocabulary of Spine. Transports map each code in exactly one place. */
export const APP_ERROR_CODES = [
  "BAD_REQUEST",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "PRECONDITION_FAILED",
  "PAYLOAD_TOO_LARGE",
  "RATE_LIMITED",
  "USAGE_LIMIT_REACHED",
  "ACCESS_INACTIVE",
  /** A transient failure (database connection lost, serialization failure, deadlock, too many connections): retry. */
  "UNAVAILABLE",
  "INTERNAL",
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

/**
 * The one place an application error code becomes an HTTP status, for transports that answer HTTP
 * themselves (the webhook ingress, health endpoints). The tRPC transport maps the same codes through
 * its own code table; a test keeps the two in agreement.
 */
export const APP_ERROR_HTTP_STATUS: Readonly<Record<AppErrorCode, number>> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  USAGE_LIMIT_REACHED: 429,
  ACCESS_INACTIVE: 403,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** The HTTP status of a code; anything unknown is an internal error. */
export function httpStatusOf(code: string): number {
  return (APP_ERROR_HTTP_STATUS as Record<string, number>)[code] ?? 500;
}

/**
 * "Hide existence": a caller who may not learn whether a resource exists is told NOT_FOUND where it
 * was refused (FORBIDDEN), with the message the caller would get for a resource that does not exist.
 * Every edge that answers callers outside a workspace (the webhook ingress, non-members) uses this one policy.
 */
export function hideExistence<C extends string>(code: C, notFoundMessage: string, message: string): { code: C | "NOT_FOUND"; message: string } {
  return code === "FORBIDDEN" ? { code: "NOT_FOUND", message: notFoundMessage } : { code, message };
}

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `payload.project_id`. */
  path: string;
  message: string;
}

/** Raised when an envelope fails its contract; names every offending field. */
export class EnvelopeError extends Error {
  override readonly name = "EnvelopeError";
  readonly issues: FieldIssue[];

  constructor(issues: FieldIssue[], options?: { cause?: unknown }) {
    super(`invalid envelope: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, options);
    this.issues = issues;
  }

  static isEnvelopeError(err: unknown): err is EnvelopeError {
    return err instanceof EnvelopeError;
  }
}

export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
