import { findJsonDepthViolation } from "@spine/contracts";
import { AppError } from "@spine/domain";

/**
 * Judge a call's raw JSON input at the edge, before tRPC parses it and before anything recursive
 * (the Idempotency-Key request hash, validation) touches the value: an error naming the field, or null.
 */
export function checkRawInput(text: string): AppError | null {
  const violation = findJsonDepthViolation(text);
  if (!violation) return null;
  return AppError.badRequest(`invalid input: ${violation.path}: ${violation.message}`, [{ path: violation.path, message: violation.message }]);
}
