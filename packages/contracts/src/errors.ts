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
  /** A transient failure (database connection lost, serialization failure, deadlock, too many connections): retry. */
  "UNAVAILABLE",
  "INTERNAL",
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

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
