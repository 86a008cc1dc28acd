import { describe, expect, it } from "vitest";
import { REDACTED, redact } from "./redact.ts";

describe("redact", () => {
  it("replaces secret-looking keys at any depth and keeps everything else", () => {
    const input = {
      name: "gh",
      credentials: { token: "t" },
      webhookSecret: "w",
      config: { org: "acme", apiKey: "k", nested: [{ access_key: "a", region: "eu" }], Authorization: "Bearer x" },
      passwordHash: "h",
      refreshTokenHash: "r",
      at: new Date("2026-11-28T00:00:00Z"),
    };
    expect(redact(input)).toEqual({
      name: "gh",
      credentials: REDACTED,
      webhookSecret: REDACTED,
      config: { org: "acme", apiKey: REDACTED, nested: [{ access_key: REDACTED, region: "eu" }], Authorization: REDACTED },
      passwordHash: REDACTED,
      refreshTokenHash: REDACTED,
      at: "2026-11-28T00:00:00.000Z",
    });
  });

  it("does not modify its input", () => {
    const input = { token: "t" };
    redact(input);
    expect(input).toEqual({ token: "t" });
  });
});
