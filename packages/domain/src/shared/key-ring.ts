import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { z } from "zod";

/** Sealed values look like `spine:v1:<key id>:<iv>:<tag>:<ciphertext>` (base64url parts). */
const PREFIX = "spine:v1:";
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export interface KeyRingKey {
  id: string;
  key: Buffer;
}

/** Thrown for a malformed key ring, or a sealed value no listed key can open. Never carries key material. */
export class KeyRingError extends Error {
  override readonly name = "KeyRingError";
}

/**
 * Envelope encryption for secrets at rest: AES-256-GCM with a fresh 96-bit IV per value and the
 * owning row and field as additional authenticated data, so a sealed value cannot be moved to
 * another row or column. The FIRST key of the ring is the newest: it seals; every listed key opens.
 * Configuration: `SPINE_KEY_RING="<id>:<base64 of 32 bytes>[,<older id>:<key>…]"`.
 */
export class KeyRing {
  private readonly byId: ReadonlyMap<string, Buffer>;

  private constructor(private readonly keys: readonly KeyRingKey[]) {
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  static fromKeys(keys: readonly KeyRingKey[]): KeyRing {
    if (keys.length === 0) throw new KeyRingError("the key ring needs at least one key");
    const ids = new Set<string>();
    for (const k of keys) {
      if (!KEY_ID.test(k.id)) throw new KeyRingError(`key id "${k.id.slice(0, 40)}" must be 1-32 letters, digits, - or _`);
      if (k.key.length !== 32) throw new KeyRingError(`key "${k.id}" must be 32 bytes (AES-256), got ${k.key.length}`);
      if (ids.has(k.id)) throw new KeyRingError(`key id "${k.id}" is listed twice`);
      ids.add(k.id);
    }
    return new KeyRing(keys);
  }

  /** Parse `id:base64[,id:base64…]`; the first entry is the active key. */
  static parse(spec: string): KeyRing {
    const entries = spec.split(",").map((s) => s.trim()).filter(Boolean);
    return KeyRing.fromKeys(entries.map((entry) => {
      const cut = entry.indexOf(":");
      if (cut <= 0) throw new KeyRingError("each key ring entry is <id>:<base64 key>");
      return { id: entry.slice(0, cut), key: Buffer.from(entry.slice(cut + 1), "base64") };
    }));
  }

  /** A new random key as a key ring entry, for `npm start`'s dev configuration and tests. */
  static generateEntry(id: string): string {
    return `${id}:${randomBytes(32).toString("base64")}`;
  }

  get activeKeyId(): string {
    return this.keys[0]!.id;
  }

  get keyIds(): string[] {
    return this.keys.map((k) => k.id);
  }

  seal(plaintext: string, context: string): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    cipher.setAAD(Buffer.from(`${id}|${context}`));
    const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return `${PREFIX}${id}:${iv.toString("base64url")}:${cipher.getAuthTag().toString("base64url")}:${ct.toString("base64url")}`;
  }

  open(sealed: string, context: string): string {
    const parts = sealed.slice(PREFIX.length).split(":");
    if (!KeyRing.isSealed(sealed) || parts.length !== 4) throw new KeyRingError("not a sealed value");
    const [id, iv, tag, ct] = parts as [string, string, string, string];
    const key = this.byId.get(id);
    if (!key) throw new KeyRingError(`sealed with key "${id}", which is not in the key ring`);
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(`${id}|${context}`));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new KeyRingError(`a value sealed with key "${id}" failed authentication`);
    }
  }

  static isSealed(value: unknown): value is string {
    return typeof value === "string" && value.startsWith(PREFIX);
  }

  /** The key id a sealed value names, or null for a plaintext (legacy) value. */
  static keyIdOf(value: string): string | null {
    return KeyRing.isSealed(value) ? (value.slice(PREFIX.length).split(":")[0] ?? null) : null;
  }

  /** Whether a stored value is sealed with the active key (nothing for `keys rotate` to do). */
  isCurrent(value: string): boolean {
    return KeyRing.keyIdOf(value) === this.activeKeyId;
  }
}

/** `SPINE_KEY_RING` as read by each app's env schema: parsed at boot, errors name key ids only, never key material. */
export const ZKeyRingSchema = z.string().min(1, "is required: <id>:<base64 of 32 bytes>[,<older id>:<key>…]").transform((spec, ctx) => {
  try {
    return KeyRing.parse(spec);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: err instanceof KeyRingError ? err.message : "is not a key ring" });
    return z.NEVER;
  }
});
