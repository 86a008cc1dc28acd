/**
 * `@spine/domain/reads`: the pg-only part of the domain, for processes that must not boot the ORM
 * (the gateway) and for the worker's port implementations. Imports nothing of MikroORM.
 */
export { sessionSettingsStatement, type SessionScope } from "../context/session-settings.ts";
export { inTransaction, withScopedTransaction } from "./scoped-transaction.ts";
export { PgTxRunner, txOf, type RolePools, type Tx, type QueryResult } from "./pg-tx-runner.ts";
export { checkMembership, type MembershipCheck } from "./check-membership.ts";
export { readAgentRunSnapshot, type AgentRunSnapshot } from "./read-agent-run-snapshot.ts";
export { checkTokenSessions, checkUserToken, type TokenSession } from "./check-user-token.ts";
export { tokenSessionVerdict, type TokenSessionFacts, type UserTokenCheck } from "./token-session-rule.ts";
export { createPgPool, type PgPoolOptions } from "../db/pg-pool.ts";
export { outboxBacklog, type OutboxBacklog } from "./outbox-backlog.ts";
export { verifyAuditChains, type AuditChainProblem, type AuditChainProblemKind, type AuditChainReport } from "./verify-audit-chain.ts";
