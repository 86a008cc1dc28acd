import { describe, expect, it } from "vitest";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { APP_ERROR_CODES, APP_ERROR_HTTP_STATUS, hideExistence } from "@spine/contracts";
import { AppError } from "@spine/domain";
import { APP_ERROR_TO_TRPC } from "./error-map.ts";
import { toTRPCError } from "./format-error.ts";

describe("error map", () => {
  it.each(APP_ERROR_CODES)("maps %s to a tRPC code and keeps the domain error as cause", (code) => {
    const err = toTRPCError(new AppError(code, "m"));
    expect(err.code).toBe(APP_ERROR_TO_TRPC[code]);
    expect(err.cause).toBeInstanceOf(AppError);
  });
});

describe("HTTP status map", () => {
  it.each(APP_ERROR_CODES)("%s answers the same HTTP status over tRPC and over plain HTTP", (code) => {
    const viaTrpc = getHTTPStatusCodeFromError(toTRPCError(new AppError(code, "m")));
    expect(APP_ERROR_HTTP_STATUS[code]).toBe(viaTrpc);
  });

  it("hides existence: FORBIDDEN is shown as NOT_FOUND with the not-found message, other codes pass through", () => {
    expect(hideExistence("FORBIDDEN", "integration not found", "role lacks x")).toEqual({ code: "NOT_FOUND", message: "integration not found" });
    expect(hideExistence("CONFLICT", "integration not found", "already")).toEqual({ code: "CONFLICT", message: "already" });
  });
});
