import { describe, expect, it } from "vitest";
import { WebhookRejectedError } from "../verify-signature.ts";
import { githubProvider, signGithub } from "./github.ts";
import type { HeaderReader, WebhookProvider } from "./provider.ts";
import { webhookProviderFor } from "./registry.ts";
import { signStripe, stripeProvider } from "./stripe.ts";

const reader = (headers: Record<string, string>): HeaderReader => (name) => headers[name];

function outcome(provider: WebhookProvider, secrets: string[], body: string, headers: Record<string, string>, now = new Date()): string {
  try {
    const v = provider.verify(secrets, body, reader(headers), now);
    return `ok:${v.id}:${v.eventType}`;
  } catch (err) {
    if (err instanceof WebhookRejectedError) return err.reason;
    throw err;
  }
}

describe("github provider", () => {
  it("verifies GitHub's published test vector (docs: validating webhook deliveries)", () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    const headers = {
      "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
      "x-github-delivery": "d-1",
      "x-github-event": "ping",
    };
    expect(signGithub("It's a Secret to Everybody", "d-1", "ping", "Hello, World!")).toEqual(headers);
    // The vector's body is not JSON: the signature verifies, the payload is then refused.
    expect(outcome(githubProvider, ["It's a Secret to Everybody"], "Hello, World!", headers)).toBe("bad_payload");
    expect(outcome(githubProvider, ["It's a Secret to Everybody!"], "Hello, World!", headers)).toBe("bad_signature");
  });

  it("takes the delivery id and event from the headers; tampered, unsigned and rotated secrets", () => {
    const body = JSON.stringify({ action: "opened", issue: { number: 1 } });
    const headers = signGithub("old-secret-0123456789", "guid-1", "issues", body);
    expect(outcome(githubProvider, ["old-secret-0123456789"], body, headers)).toBe("ok:guid-1:issues");
    expect(outcome(githubProvider, ["new-secret-0123456789", "old-secret-0123456789"], body, headers)).toBe("ok:guid-1:issues");
    expect(outcome(githubProvider, ["new-secret-0123456789"], body, headers)).toBe("bad_signature");
    expect(outcome(githubProvider, ["old-secret-0123456789"], body.replace("opened", "closed"), headers)).toBe("bad_signature");
    expect(outcome(githubProvider, ["old-secret-0123456789"], body, { ...headers, "x-hub-signature-256": `sha1=${"0".repeat(40)}` })).toBe("bad_signature");
    const { ["x-github-delivery"]: _omit, ...noId } = headers;
    expect(outcome(githubProvider, ["old-secret-0123456789"], body, noId)).toBe("missing_headers");
    expect(outcome(githubProvider, [], body, headers)).toBe("no_secret");
  });
});

describe("stripe provider", () => {
  const secret = "whsec_stripe_test_0123456789abcdef";
  const body = JSON.stringify({ id: "evt_1", object: "event", type: "customer.subscription.created", data: { object: { id: "sub_1" } } });

  it("verifies t=…,v1=… over `<t>.<body>`; the event id and type come from the body", () => {
    const now = new Date();
    expect(signStripe(secret, new Date(1_700_000_000_000), "{}")["stripe-signature"]).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(outcome(stripeProvider, [secret], body, signStripe(secret, now, body), now)).toBe("ok:evt_1:customer.subscription.created");
    expect(outcome(stripeProvider, [secret], body.replace("sub_1", "sub_2"), signStripe(secret, now, body), now)).toBe("bad_signature");
  });

  it("accepts any of several v1 signatures and any listed secret (rotation)", () => {
    const now = new Date();
    const rolled = "whsec_stripe_next_0123456789abcdef";
    expect(outcome(stripeProvider, [rolled], body, signStripe([secret, rolled], now, body), now)).toBe("ok:evt_1:customer.subscription.created");
    expect(outcome(stripeProvider, [rolled, secret], body, signStripe(secret, now, body), now)).toBe("ok:evt_1:customer.subscription.created");
    expect(outcome(stripeProvider, [rolled], body, signStripe(secret, now, body), now)).toBe("bad_signature");
  });

  it("refuses a timestamp more than 300 seconds away, and headers without t or v1", () => {
    const now = new Date();
    const signedAt = new Date(now.getTime() - 301_000);
    expect(outcome(stripeProvider, [secret], body, signStripe(secret, signedAt, body), now)).toBe("bad_timestamp");
    expect(outcome(stripeProvider, [secret], body, signStripe(secret, new Date(now.getTime() - 299_000), body), now)).toBe("ok:evt_1:customer.subscription.created");
    expect(outcome(stripeProvider, [secret], body, { "stripe-signature": "t=1700000000" }, now)).toBe("missing_headers");
    expect(outcome(stripeProvider, [secret], body, { "stripe-signature": `v0=${"0".repeat(64)}` }, now)).toBe("missing_headers");
  });

  it("refuses a signed body without an event id", () => {
    const now = new Date();
    const noId = JSON.stringify({ type: "customer.subscription.created" });
    expect(outcome(stripeProvider, [secret], noId, signStripe(secret, now, noId), now)).toBe("bad_payload");
  });
});

describe("provider registry", () => {
  it("github and stripe have their own schemes; any other provider sends Standard Webhooks", () => {
    expect(webhookProviderFor("github").name).toBe("github");
    expect(webhookProviderFor("stripe").name).toBe("stripe");
    expect(webhookProviderFor("standard-webhooks").name).toBe("standard-webhooks");
    expect(webhookProviderFor("linear").name).toBe("standard-webhooks");
  });
});
