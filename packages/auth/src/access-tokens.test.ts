import { describe, expect, it } from "vitest";
import { AccessTokenService, TokenError } from "./access-tokens.ts";

const secret = "a-test-secret-that-is-long-enough-000";

describe("AccessTokenService", () => {
  it("round-trips the claims", async () => {
    const svc = new AccessTokenService({ secret });
    const { token } = await svc.sign({ userId: "u1", tokenVersion: 3, sessionId: "s1" });
    await expect(svc.verify(token)).resolves.toMatchObject({ userId: "u1", tokenVersion: 3, sessionId: "s1" });
  });
  it("rejects an expired token as expired", async () => {
    const svc = new AccessTokenService({ secret });
    const { token } = await svc.sign({ userId: "u1", tokenVersion: 0, sessionId: "s1" }, -10);
    await expect(svc.verify(token)).rejects.toMatchObject({ reason: "expired" });
  });
  it("rejects a token signed with another key as invalid", async () => {
    const other = new AccessTokenService({ secret: "another-secret-that-is-long-enough-00" });
    const { token } = await other.sign({ userId: "u1", tokenVersion: 0, sessionId: "s1" });
    const err = await new AccessTokenService({ secret }).verify(token).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenError);
    expect((err as TokenError).reason).toBe("invalid");
  });
  it("rejects a token with alg none", async () => {
    const forged = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"sub":"u1","tv":0,"sid":"s"}').toString("base64url")}.`;
    await expect(new AccessTokenService({ secret }).verify(forged)).rejects.toMatchObject({ reason: "invalid" });
  });
  it("answers a token it verified from memory until the token expires, then as expired", async () => {
    const svc = new AccessTokenService({ secret });
    const { token, expiresAt } = await svc.sign({ userId: "u1", tokenVersion: 1, sessionId: "s1" }, 1);
    const first = await svc.verify(token);
    // A caller changing what it got back does not change what the next call gets.
    first.userId = "someone-else";
    await expect(svc.verify(token)).resolves.toMatchObject({ userId: "u1", tokenVersion: 1, sessionId: "s1" });
    await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 50));
    await expect(svc.verify(token)).rejects.toMatchObject({ reason: "expired" });
  });
  it("still refuses a token that differs from a verified one by one character", async () => {
    const svc = new AccessTokenService({ secret });
    const { token } = await svc.sign({ userId: "u1", tokenVersion: 0, sessionId: "s1" });
    await svc.verify(token);
    const last = token.at(-2) === "A" ? "B" : "A";
    const tampered = `${token.slice(0, -2)}${last}${token.at(-1)}`;
    await expect(svc.verify(tampered)).rejects.toMatchObject({ reason: "invalid" });
    // And a token signed under another key is refused even when its text was verified by another service.
    await expect(new AccessTokenService({ secret: "another-secret-that-is-long-enough-00" }).verify(token)).rejects.toMatchObject({ reason: "invalid" });
  });
});
