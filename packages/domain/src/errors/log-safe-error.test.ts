import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { UniqueConstraintViolationException } from "@mikro-orm/core";
import { AppError } from "./app-error.ts";
import { LOG_SERIALIZERS, logSafeError } from "@spine/logging";

const SECRET = "sk_live_SUPERSECRET_123";

function driverError(): Error {
  const pgError = Object.assign(new Error(`insert into "integrations" ("credentials") values ('{"apiKey":"${SECRET}"}') - duplicate key value violates unique constraint "integrations_name_key"`), { code: "23505" });
  return new UniqueConstraintViolationException(pgError);
}

describe("logSafeError", () => {
  it("keeps the database's reason and SQLSTATE but never the statement or its parameters", () => {
    const wrapped = new AppError("CONFLICT", "a record with these values already exists", { cause: driverError() });
    const safe = JSON.stringify(logSafeError(wrapped));
    expect(safe).not.toContain(SECRET);
    expect(safe).not.toContain("insert into");
    expect(safe).toContain("duplicate key value violates unique constraint");
    expect(safe).toContain("23505");
    expect(safe).toContain("CONFLICT");
  });

  it("applies to a pino logger configured with LOG_SERIALIZERS", () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done(); } });
    pino({ serializers: LOG_SERIALIZERS }, sink).error({ err: driverError() }, "procedure failed");
    expect(lines.join("")).toContain("duplicate key value");
    expect(lines.join("")).not.toContain(SECRET);
  });
});
