import { webcrypto } from "node:crypto";
import { SignJWT, errors, jwtVerify } from "jose";

export interface AccessTokenClaims {
  userId: string;
  /** Bumped on sign-out-everywhere or password change; older tokens stop working. */
  tokenVersion: number;
  sessionId: string;
  expiresAt: Date;
}

export type TokenFailure = "expired" | "invalid";

export class TokenError extends Error {
  override readonly name = "TokenError";
  constructor(
    readonly reason: TokenFailure,
    options?: { cause?: unknown },
  ) {
    super(reason === "expired" ? "access token expired" : "access token invalid", options);
  }
  static isTokenError(err: unknown): err is TokenError {
    return err instanceof TokenError;
  }
}

export interface TokenServiceOptions {
  /** At least 32 bytes; HS256. */
  secret: string;
  issuer?: string;
  audience?: string;
  accessTtlSeconds?: number;
}

/** How many verified tokens a service remembers (by their exact text, until they expire); the oldest make room. */
const VERIFIED_TOKENS_KEPT = 4_096;

/** Short-lived access tokens shared by the API and the realtime gateway. */
export class AccessTokenService {
  /** The HS256 key, imported once (WebCrypto) rather than from raw bytes on every sign and verify. */
  readonly #key: Promise<webcrypto.CryptoKey>;
  readonly issuer: string;
  readonly audience: string;
  readonly accessTtlSeconds: number;
  /** Tokens that verified, by text, oldest first (Map order); an entry goes when it is looked up after its token expired, or when the oldest make room. */
  readonly #verified = new Map<string, AccessTokenClaims>();

  constructor(options: TokenServiceOptions) {
    if (options.secret.length < 32) throw new Error("token secret must be at least 32 characters");
    this.#key = webcrypto.subtle.importKey("raw", new TextEncoder().encode(options.secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    this.issuer = options.issuer ?? "spine";
    this.audience = options.audience ?? "spine-clients";
    this.accessTtlSeconds = options.accessTtlSeconds ?? 900;
  }

  async sign(claims: { userId: string; tokenVersion: number; sessionId: string }, ttlSeconds = this.accessTtlSeconds): Promise<{ token: string; expiresAt: Date }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + ttlSeconds;
    const token = await new SignJWT({ tv: claims.tokenVersion, sid: claims.sessionId })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(claims.userId)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(await this.#key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /**
   * The token's claims if its signature, issuer, audience and expiry check out; `TokenError` otherwise.
   * A token that verified before and has not expired is answered from memory (the same text under the same
   * key verifies the same way), as a copy; an expired one goes through the full check again, which says so.
   */
  async verify(token: string): Promise<AccessTokenClaims> {
    const known = this.#verified.get(token);
    if (known) {
      if (known.expiresAt.getTime() > Date.now()) return { ...known, expiresAt: new Date(known.expiresAt) };
      this.#verified.delete(token);
    }
    const claims = await this.#verify(token);
    if (this.#verified.size >= VERIFIED_TOKENS_KEPT) this.#verified.delete(this.#verified.keys().next().value!);
    this.#verified.set(token, { ...claims, expiresAt: new Date(claims.expiresAt) });
    return claims;
  }

  async #verify(token: string): Promise<AccessTokenClaims> {
    try {
      const { payload } = await jwtVerify(token, await this.#key, {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: ["HS256"],
      });
      if (typeof payload.sub !== "string" || typeof payload.tv !== "number" || typeof payload.sid !== "string" || typeof payload.exp !== "number") {
        throw new TokenError("invalid");
      }
      return { userId: payload.sub, tokenVersion: payload.tv, sessionId: payload.sid, expiresAt: new Date(payload.exp * 1000) };
    } catch (err) {
      if (err instanceof TokenError) throw err;
      if (err instanceof errors.JWTExpired) throw new TokenError("expired", { cause: err });
      throw new TokenError("invalid", { cause: err });
    }
  }
}
