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

/** A client-safe message: input errors name their fields; internal errors say nothing of their cause. */
export function publicMessage(error: TRPCError, issues: FieldIssue[]): string {
  if (error.code === "INTERNAL_SERVER_ERROR") return "internal error";
  if (error.cause instanceof z.ZodError) return `invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`;
  return error.message;
}
