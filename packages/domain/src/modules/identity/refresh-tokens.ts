import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A refresh token is `<session id>.<secret>`; only the secret's SHA-256 is stored. */
export function newRefreshSecret(): string {
  return randomBytes(32).toString("base64url");
}
export function hashRefreshSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
export function formatRefreshToken(sessionId: string, secret: string): string {
  return `${sessionId}.${secret}`;
}
export function parseRefreshToken(token: string): { sessionId: string; secret: string } | null {
  const dot = token.indexOf(".");
  if (dot <= 0 || dot === token.length - 1) return null;
  return { sessionId: token.slice(0, dot), secret: token.slice(dot + 1) };
}
export function refreshSecretMatches(storedHash: string, secret: string): boolean {
  const a = Buffer.from(storedHash, "hex");
  const b = Buffer.from(hashRefreshSecret(secret), "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
