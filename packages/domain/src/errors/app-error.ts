import type { AppErrorCode, FieldIssue } from "@spine/contracts";

/** The only error domain code throws. Transports map `code` to their own status in one place. */
export class AppError extends Error {
  override readonly name = "AppError";
  readonly code: AppErrorCode;
  readonly issues: FieldIssue[];
  /** Structured facts a client acts on (e.g. a usage limit's metric, limit, window and reset time). */
  readonly details: Readonly<Record<string, string | number | null>> | null;

  constructor(
    code: AppErrorCode,
    message: string,
    options?: { issues?: FieldIssue[]; cause?: unknown; details?: Record<string, string | number | null> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options?.issues ?? [];
    this.details = options?.details ?? null;
  }

  static isAppError(err: unknown): err is AppError {
    return err instanceof AppError;
  }
  static notFound(what: string, id?: string): AppError {
    return new AppError("NOT_FOUND", id ? `${what} ${id} not found` : `${what} not found`);
  }
  static forbidden(reason: string): AppError {
    return new AppError("FORBIDDEN", reason);
  }
  static conflict(reason: string, issues?: FieldIssue[]): AppError {
    return new AppError("CONFLICT", reason, issues ? { issues } : undefined);
  }
  static badRequest(reason: string, issues?: FieldIssue[]): AppError {
    return new AppError("BAD_REQUEST", reason, issues ? { issues } : undefined);
  }
  static precondition(reason: string): AppError {
    return new AppError("PRECONDITION_FAILED", reason);
  }
}
