import { randomUUID } from "node:crypto";

const VALID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-correlation-id` when it is sane, otherwise a new one. */
export function resolveCorrelationId(header: string | null | undefined): string {
  return header && VALID.test(header) ? header : randomUUID();
}
