import { TRPCError } from "@trpc/server";
import type { FieldIssue } from "@spine/contracts";
import { AppError } from "@spine/domain";
import { z } from "zod";
import { APP_ERROR_TO_TRPC } from "./error-map.ts";

/** Turn a domain error into the tRPC error the transport answers with. */
export function toTRPCError(err: AppError): TRPCError {
  return new TRPCError({ code: APP_ERROR_TO_TRPC[err.code], message: err.message, cause: err });
}

export function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join(".") || "(root)", message: issue.message }));
}

/** Field-level issues carried by a tRPC error's cause, whichever layer raised it. */
export function issuesOf(error: TRPCError): FieldIssue[] {
  const cause = error.cause;
  if (cause instanceof z.ZodError) return zodIssues(cause);
  if (cause instanceof AppError) return cause.issues;
  return [];
}

/** At most this many field issues travel in one error; `issueCount` says how many there were. */
export const MAX_ISSUES_RETURNED = 20;

/**
 * A client-safe message. Input errors name their first field and point at `data.issues` (the issues
 * are never repeated in the message); a message is echoed only when Spine wrote it (an AppError, or
 * tRPC's own refusal without a cause) — never an internal exception's text (a RangeError, a driver error).
 */
export function publicMessage(error: TRPCError, issues: FieldIssue[]): string {
  if (error.code === "INTERNAL_SERVER_ERROR") return "internal error";
  if (error.cause instanceof z.ZodError) {
    const first = issues[0];
    const more = issues.length > 1 ? ` and ${issues.length - 1} more` : "";
    return first ? `invalid input: ${first.path}${more} (see data.issues)` : "invalid input";
  }
  if (error.cause instanceof AppError || error.cause === undefined) return error.message;
  return error.code === "BAD_REQUEST" ? "invalid input" : error.code.toLowerCase().replaceAll("_", " ");
}
