import { parseSubject, safeParseEnvelope, SYSTEM_SCOPE, type AnyEnvelope } from "@spine/contracts";

/** A stream message that passed its contract, with the stream sequence it resumes from. */
export interface StreamEnvelope {
  seq: number;
  /** null for system events (`<prefix>._sys.<type>`), which no socket receives. */
  workspaceId: string | null;
  envelope: AnyEnvelope;
}

export type DecodeResult = { ok: true; seq: number; value: StreamEnvelope } | { ok: false; seq: number; subject: string; reason: string };

/** Validate one stream message against the contracts and its subject; never throws. */
export function decodeStreamMessage(input: { seq: number; subject: string; data: Uint8Array }, prefix: string): DecodeResult {
  const fail = (reason: string): DecodeResult => ({ ok: false, seq: input.seq, subject: input.subject, reason });
  const subject = parseSubject(input.subject, prefix);
  if (!subject) return fail("subject outside the scheme");
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(input.data));
  } catch {
    return fail("body is not JSON");
  }
  const parsed = safeParseEnvelope(raw);
  if (!parsed.ok) return fail(parsed.error.message);
  const envelope = parsed.envelope;
  if (envelope.event_type !== subject.eventType) return fail("subject event type differs from the envelope's");
  if ((envelope.workspace_id ?? SYSTEM_SCOPE) !== subject.scope) return fail("subject workspace differs from the envelope's");
  return { ok: true, seq: input.seq, value: { seq: input.seq, workspaceId: envelope.workspace_id, envelope } };
}
