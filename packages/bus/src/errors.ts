export const BUS_ERROR_CODES = [
  "PUBLISH_FAILED",
  "HANDLER_FAILED",
  "INVALID_ENVELOPE",
  "UNKNOWN_HANDLER",
  "NOT_FOUND",
  "CONFIG",
] as const;
export type BusErrorCode = (typeof BUS_ERROR_CODES)[number];

/** The bus's one error class; `code` says what went wrong, `cause` keeps the driver error. */
export class BusError extends Error {
  override readonly name = "BusError";
  readonly code: BusErrorCode;

  constructor(code: BusErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  static isBusError(err: unknown): err is BusError {
    return err instanceof BusError;
  }
  static isPublishFailed(err: unknown): err is BusError {
    return err instanceof BusError && err.code === "PUBLISH_FAILED";
  }
  static publishFailed(subject: string, cause: unknown): BusError {
    return new BusError("PUBLISH_FAILED", `publish to ${subject} failed: ${errorMessage(cause)}`, { cause });
  }
  static unknownHandler(name: string): BusError {
    return new BusError("UNKNOWN_HANDLER", `no handler named "${name}"`);
  }
  static notFound(what: string): BusError {
    return new BusError("NOT_FOUND", `${what} not found`);
  }
}

/** A printable message for anything thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === "string" ? err : JSON.stringify(err);
}
