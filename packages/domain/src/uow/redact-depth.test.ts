import { describe, expect, it } from "vitest";
import { REDACTED, redact } from "./redact.ts";

function nest(levels: number, leaf: Record<string, unknown>): Record<string, unknown> {
  let value: Record<string, unknown> = leaf;
  for (let i = levels; i >= 1; i -= 1) value = { [`l${i}`]: value };
  return value;
}

describe("redact at any depth", () => {
  it("redacts a password nested nine levels deep (an integration config)", () => {
    const out = JSON.stringify(redact({ config: nest(9, { password: "hunter2", host: "db" }) }));
    expect(out).not.toContain("hunter2");
    expect(out).toContain(REDACTED);
    expect(out).toContain('"host":"db"');
  });

  it("never returns a secret however deep, and does not overflow the stack", () => {
    for (const levels of [20, 40, 5000]) {
      expect(JSON.stringify(redact(nest(levels, { apiKey: "sk-live" })))).not.toContain("sk-live");
    }
  });
});
