import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhook, verifySignature, WebhookRejectedError } from "./verify-signature.ts";

const secret = () => `whsec_${randomBytes(24).toString("base64")}`;
const body = JSON.stringify({ type: "issue.opened", id: 42 });

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebhookRejectedError) return err.reason;
    throw err;
  }
  return "accepted";
}

describe("verifySignature", () => {
  it("accepts a correctly signed body and returns its id and payload", () => {
    const s = secret();
    const headers = signWebhook(s, "msg_1", new Date(), body);
    expect(verifySignature([s], body, headers)).toMatchObject({ id: "msg_1", payload: { type: "issue.opened", id: 42 } });
  });

  it("rejects a tampered body, a wrong secret, and missing headers", () => {
    const s = secret();
    const headers = signWebhook(s, "msg_1", new Date(), body);
    expect(reason(() => verifySignature([s], body.replace("42", "43"), headers))).toBe("bad_signature");
    expect(reason(() => verifySignature([secret()], body, headers))).toBe("bad_signature");
    expect(reason(() => verifySignature([s], body, { ...headers, "webhook-signature": undefined }))).toBe("missing_headers");
    expect(reason(() => verifySignature([], body, headers))).toBe("no_secret");
  });

  it("enforces the five-minute tolerance both ways", () => {
    const s = secret();
    const old = signWebhook(s, "msg_1", new Date(Date.now() - 6 * 60_000), body);
    const future = signWebhook(s, "msg_1", new Date(Date.now() + 6 * 60_000), body);
    const edge = signWebhook(s, "msg_1", new Date(Date.now() - 4 * 60_000), body);
    expect(reason(() => verifySignature([s], body, old))).toBe("bad_timestamp");
    expect(reason(() => verifySignature([s], body, future))).toBe("bad_timestamp");
    expect(reason(() => verifySignature([s], body, edge))).toBe("accepted");
  });

  it("supports rotation: several signatures in the header, several secrets on our side", () => {
    const oldSecret = secret();
    const newSecret = secret();
    const now = new Date();
    const a = signWebhook(oldSecret, "msg_2", now, body)["webhook-signature"];
    const b = signWebhook(newSecret, "msg_2", now, body)["webhook-signature"];
    const headers = { ...signWebhook(newSecret, "msg_2", now, body), "webhook-signature": `${a} ${b}` };
    expect(reason(() => verifySignature([newSecret], body, headers))).toBe("accepted");
    const onlyOld = signWebhook(oldSecret, "msg_3", now, body);
    expect(reason(() => verifySignature([newSecret, oldSecret], body, onlyOld))).toBe("accepted");
    expect(reason(() => verifySignature([newSecret], body, onlyOld))).toBe("bad_signature");
  });

  it("rejects a signed body that is not a JSON object", () => {
    const s = secret();
    const headers = signWebhook(s, "msg_4", new Date(), "[1,2]");
    expect(reason(() => verifySignature([s], "[1,2]", headers))).toBe("bad_payload");
  });
});
