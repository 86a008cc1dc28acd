import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { appUrlFrom, redactUrl, systemUrlFrom } from "./connection-urls.ts";
import { logSafeError } from "./log-safe-error.ts";
import { createLogger } from "./logger.ts";

const SECRET = "sk_live_SUPERSECRET_123";

/** Shaped like a pg driver error: the statement with its parameters inlined, then the reason. */
function pgLikeError(): Error {
  return Object.assign(new Error(`insert into "integrations" ("credentials") values ('{"apiKey":"${SECRET}"}') - duplicate key value violates unique constraint "integrations_name_key"`), { code: "23505" });
}
function appLikeError(cause: unknown): Error {
  const err = Object.assign(new Error("a record with these values already exists", { cause }), { code: "CONFLICT" });
  err.name = "AppError";
  return err;
}

describe("logSafeError (by shape, no ORM or driver needed)", () => {
  it("keeps the reason, the SQLSTATE and the application code, never the statement or its parameters", () => {
    const out = logSafeError(appLikeError(pgLikeError()));
    const text = JSON.stringify(out);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("insert into");
    expect(out).toMatchObject({ type: "AppError", code: "CONFLICT", cause: { sqlState: "23505" } });
    expect((out.cause as { message: string }).message).toContain("duplicate key value");
  });

  it("scrubs a bare string and never prints a non-error value", () => {
    expect(logSafeError(`select * from users where password = '${SECRET}' - boom`)).toEqual({ type: "string", value: "boom" });
    expect(JSON.stringify(logSafeError({ password: SECRET }))).not.toContain(SECRET);
  });

  it("is what createLogger writes for err and error", () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done(); } });
    createLogger({ level: "info" }, sink).error({ err: pgLikeError(), error: pgLikeError() }, "procedure failed");
    expect(lines.join("")).toContain("duplicate key value");
    expect(lines.join("")).not.toContain(SECRET);
  });
});

describe("connection URLs", () => {
  it("derive the role URLs without a password and redact one for logs", () => {
    expect(appUrlFrom("postgres://postgres:pw@127.0.0.1:5432/spine")).toBe("postgres://spine_app@127.0.0.1:5432/spine");
    expect(systemUrlFrom("postgres://postgres@127.0.0.1:5432/spine")).toBe("postgres://spine_system@127.0.0.1:5432/spine");
    expect(redactUrl("postgres://u:hunter2@h/db")).not.toContain("hunter2");
  });
});
