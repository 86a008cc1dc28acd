export type UserTokenCheck = "ok" | "unknown_user" | "user_deleted" | "token_revoked" | "session_revoked";

/** What the database says about an access token's user and session. */
export interface TokenSessionFacts {
  userFound: boolean;
  userDeleted: boolean;
  userTokenVersion: number | null;
  sessionFound: boolean;
  sessionRevoked: boolean;
}

/**
 * The one token/session rule, shared by the API's authentication and the gateway's checks: a token
 * is good only while its user exists and is not deleted, its token_version is current, and its
 * session exists, belongs to the user and is not signed out.
 */
export function tokenSessionVerdict(facts: TokenSessionFacts | undefined, claimedTokenVersion: number): UserTokenCheck {
  if (!facts?.userFound) return "unknown_user";
  if (facts.userDeleted) return "user_deleted";
  if (facts.userTokenVersion !== claimedTokenVersion) return "token_revoked";
  if (!facts.sessionFound || facts.sessionRevoked) return "session_revoked";
  return "ok";
}
