import { describe, expect, it } from "vitest";
import { APP_ERROR_CODES } from "@spine/contracts";
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
