import { describe, expect } from "vitest";
import { hostTest } from "./test-support/fixtures.ts";
import { createSpineClient } from "@spine/client";

const test = hostTest.override("hostOptions", { scope: "file" }, { trustProxy: true, config: { signInLimits: { perAccount: 3, perAddress: 5, windowSeconds: 3600 } } });

describe("identity", () => {
  test("signs up, answers me, and returns the caller's correlation id", async ({ h }) => {
    const alice = await h.signUp("alice");
    await expect(alice.client.auth.me.query()).resolves.toMatchObject({ id: alice.userId, email: alice.email });
    const res = await h.raw("auth.me", { type: "query", token: alice.session.accessToken, headers: { "x-correlation-id": "corr-me-1" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-correlation-id")).toBe("corr-me-1");
    const generated = await h.raw("auth.me", { type: "query", token: alice.session.accessToken });
    expect(generated.headers.get("x-correlation-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("refuses a duplicate email on the email field", async ({ h }) => {
    const bob = await h.signUp("bob");
    const res = await h.raw("auth.signUp", { type: "mutation", input: { email: bob.email.toUpperCase(), password: "another long password", displayName: "B" } });
    expect(res.status).toBe(409);
    expect(res.body.error?.data.issues).toEqual([{ path: "email", message: "already registered" }]);
  });

  test("signs in, rotates refresh tokens, and revokes a session on refresh-token reuse", async ({ h }) => {
    const carol = await h.signUp("carol");
    const anon = createSpineClient({ url: h.api.trpcUrl });
    const signedIn = await anon.auth.signIn.mutate({ email: carol.email, password: "correct horse battery" });
    const rotated = await anon.auth.refresh.mutate({ refreshToken: signedIn.refreshToken });
    expect(rotated.refreshToken).not.toBe(signedIn.refreshToken);
    const reuse = await h.raw("auth.refresh", { type: "mutation", input: { refreshToken: signedIn.refreshToken } });
    expect(reuse.status).toBe(401);
    const after = await h.raw("auth.refresh", { type: "mutation", input: { refreshToken: rotated.refreshToken } });
    expect(after.status).toBe(401);
    const me = await h.raw("auth.me", { type: "query", token: rotated.accessToken });
    expect(me.body.error?.data.issues[0]?.path).toBe("authorization");
  });

  test("signs out one session or everywhere", async ({ h }) => {
    const dan = await h.signUp("dan");
    await dan.client.auth.signOut.mutate({});
    expect((await h.raw("auth.me", { type: "query", token: dan.session.accessToken })).status).toBe(401);
    const anon = createSpineClient({ url: h.api.trpcUrl });
    const a = await anon.auth.signIn.mutate({ email: dan.email, password: "correct horse battery" });
    const b = await anon.auth.signIn.mutate({ email: dan.email, password: "correct horse battery" });
    await h.clientFor(a.accessToken).auth.signOut.mutate({ everywhere: true });
    expect((await h.raw("auth.me", { type: "query", token: b.accessToken })).status).toBe(401);
  });

  test.for([
    ["missing", undefined],
    ["forged", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."],
    ["garbage", "not-a-jwt"],
  ] as const)("rejects a %s token as UNAUTHORIZED naming the reason", async ([, token], { h }) => {
    const res = await h.raw("auth.me", { type: "query", ...(token ? { token } : {}) });
    expect(res.status).toBe(401);
    expect(res.body.error?.data.code).toBe("UNAUTHORIZED");
    expect(res.body.error?.data.issues[0]).toMatchObject({ path: "authorization" });
    expect(JSON.stringify(res.body)).not.toContain("at ");
  });

  test("rejects an expired token with reason expired, and the client refreshes past it", async ({ h }) => {
    const erin = await h.signUp("erin");
    const expired = await h.api.tokens.sign({ userId: erin.userId, tokenVersion: 0, sessionId: erin.session.sessionId }, -5);
    const res = await h.raw("auth.me", { type: "query", token: expired.token });
    expect(res.body.error?.data.issues[0]).toEqual({ path: "authorization", message: "expired" });
    const sessions: string[] = [];
    const client = createSpineClient({
      url: h.api.trpcUrl, token: expired.token,
      refresh: { refreshToken: erin.session.refreshToken, onSession: (s) => sessions.push(s.accessToken) },
    });
    await expect(client.auth.me.query()).resolves.toMatchObject({ id: erin.userId });
    expect(sessions).toHaveLength(1);
  });

  test("does not count successful sign-ins against the limits", async ({ h }) => {
    const gus = await h.signUp("gus");
    const signIn = (password: string) =>
      h.raw("auth.signIn", { type: "mutation", input: { email: gus.email, password }, headers: { "x-forwarded-for": "10.1.1.1" } });
    // Well past both limits (3 per account, 5 per address) with successes only.
    for (let i = 0; i < 8; i++) expect((await signIn("correct horse battery")).status).toBe(200);
    // Failures still count: two wrong, a success, one more wrong, then the account is limited.
    expect((await signIn("wrong password!")).status).toBe(401);
    expect((await signIn("wrong password!")).status).toBe(401);
    expect((await signIn("correct horse battery")).status).toBe(200);
    expect((await signIn("wrong password!")).status).toBe(401);
    const limited = await signIn("correct horse battery");
    expect(limited.status).toBe(429);
    expect(limited.body.error?.data.issues[0]?.path).toBe("email");
  });

  test("rate-limits sign-in per account and per address", async ({ h }) => {
    const fay = await h.signUp("fay");
    const attempt = (ip: string, email = fay.email) =>
      h.raw("auth.signIn", { type: "mutation", input: { email, password: "wrong password!" }, headers: { "x-forwarded-for": ip } });
    for (let i = 0; i < 3; i++) expect((await attempt(`10.0.0.${i}`)).status).toBe(401);
    const limited = await attempt("10.0.0.9");
    expect(limited.status).toBe(429);
    expect(limited.body.error?.data.issues[0]?.path).toBe("email");
    for (let i = 0; i < 5; i++) await attempt("10.9.9.9", `nobody${i}@example.test`);
    const byIp = await attempt("10.9.9.9", "someone-else@example.test");
    expect(byIp.status).toBe(429);
    expect(byIp.body.error?.data.issues[0]?.path).toBe("ip");
  });

  test("serves health and readiness", async ({ h }) => {
    expect((await fetch(`${h.api.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.api.url}/readyz`);
    expect(ready.status).toBe(200);
    await expect(ready.json()).resolves.toMatchObject({ postgres: "ok" });
  });
});
