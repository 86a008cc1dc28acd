import { initTRPC } from "@trpc/server";
import { TokenError } from "@spine/auth";
import { AppError, authenticateUser, authorizeCall, isPlatformOperator, type IdempotencyKeyClaim, type Operation, type TPermission, type UsageWindow, type WorkspaceAccess } from "@spine/domain";
import { z } from "zod";
import type { ApiContext } from "./context.ts";
import { issuesOf, MAX_ISSUES_RETURNED, publicMessage, toTRPCError } from "./errors/format-error.ts";
import { parseIdempotencyKey, type IdempotencyRequest } from "./idempotency/idempotency-key.ts";
import { requestHash } from "./idempotency/request-hash.ts";
import { runIdempotent } from "./idempotency/run-idempotent.ts";

const t = initTRPC.context<ApiContext>().create({
  isDev: false,
  errorFormatter({ shape, error }) {
    const issues = issuesOf(error);
    return {
      code: shape.code,
      message: publicMessage(error, issues),
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path ?? null,
        appCode: error.cause instanceof AppError ? error.cause.code : null,
        details: error.cause instanceof AppError ? error.cause.details : null,
        // The first issues and how many there were: an error body stays small whatever the input.
        issues: issues.slice(0, MAX_ISSUES_RETURNED),
        issueCount: issues.length,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Every procedure: domain errors become tRPC errors here and nowhere else. */
const baseProcedure = t.procedure.use(async ({ ctx, next }) => {
  // Refused at the edge (e.g. nested too deep): answered before anything reads the input.
  if (ctx.req.inputError) throw toTRPCError(ctx.req.inputError);
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) throw toTRPCError(result.error.cause);
  return result;
});

function unauthenticated(reason: "missing" | "expired" | "invalid"): AppError {
  const message = reason === "missing" ? "missing bearer token" : `access token ${reason}`;
  return new AppError("UNAUTHENTICATED", message, { issues: [{ path: "authorization", message: reason }] });
}

/** No caller identity required (sign up, sign in, refresh). */
export const publicProcedure = baseProcedure;

/**
 * A caller whose access token verifies (signature, expiry); mutations may carry an Idempotency-Key.
 * Nothing is read yet: whether the session still stands is checked by the procedure kinds below,
 * as their first database statement.
 */
const signedInProcedure = baseProcedure.use(async ({ ctx, type, path, getRawInput, next }) => {
  const header = ctx.req.authorization;
  if (!header?.startsWith("Bearer ")) throw unauthenticated("missing");
  const claims = await ctx.deps.tokens.verify(header.slice(7).trim()).catch((err: unknown) => {
    if (err instanceof TokenError) throw unauthenticated(err.reason);
    throw err;
  });
  let idempotency: IdempotencyRequest | null = null;
  if (type === "mutation" && ctx.req.idempotencyKey !== null) {
    idempotency = { key: parseIdempotencyKey(ctx.req.idempotencyKey), procedure: path, requestHash: requestHash(path, await getRawInput()) };
  }
  return next({ ctx: { claims, userId: claims.userId, sessionId: claims.sessionId, idempotency } });
});

/** A signed-in caller whose session is checked before the procedure runs (one autocommit read). */
export const protectedProcedure = signedInProcedure.use(async ({ ctx, next }) => {
  // Users and sessions are untenanted, so no transaction is needed.
  const user = await ctx.deps.domain.readUntenanted((em) => authenticateUser(em, ctx.claims));
  return next({ ctx: { user } });
});

interface CallerContext extends ApiContext {
  userId: string;
  idempotency: IdempotencyRequest | null;
}

/** What a procedure kind's authorisation gives the operation: its value, and the Idempotency-Key row it claimed (if it did). */
interface Prepared<P> {
  value: P;
  /** Set when the authorisation sent the key's claim: the row it inserted, or null when the key had one. */
  claimedKeyId?: string | null;
}

/**
 * Run one domain operation as the caller: `prepare` (authorisation, which may claim the
 * Idempotency-Key in its statement) first, then `fn` under that key, all in one transaction.
 */
export function runAsCaller<P, T>(
  ctx: CallerContext,
  workspaceId: string | null,
  prepare: (op: Operation, claim: IdempotencyKeyClaim | undefined) => Promise<Prepared<P>>,
  fn: (op: Operation, prepared: P) => Promise<T>,
): Promise<T> {
  const opCtx = { workspaceId, actorId: ctx.userId, actorType: "user" as const, correlationId: ctx.correlationId };
  const idempotency = ctx.idempotency;
  const claim = idempotency ? { userId: ctx.userId, ...idempotency, ttlSeconds: ctx.deps.config.idempotencyTtlSeconds } : undefined;
  return ctx.deps.domain.run(opCtx, async (op) => {
    const { value, claimedKeyId } = await prepare(op, claim);
    if (!claim) return fn(op, value);
    return runIdempotent(op, claim, () => fn(op, value), claimedKeyId);
  });
}

/** An authenticated operation outside any workspace (creating one, listing mine). */
export const userProcedure = protectedProcedure.use(async ({ ctx, next }) =>
  next({ ctx: { run: <T>(fn: (op: Operation) => Promise<T>) => runAsCaller(ctx, null, async () => ({ value: null }), (op) => fn(op)) } }),
);

/**
 * A platform operator's procedure (`operator.*`): the caller must hold the platform operator flag,
 * which only the operator CLI grants (`spine operators grant`), or gets FORBIDDEN before anything is
 * read. `runSystem` reads across workspaces as the system role; `runIn` acts in one workspace as the
 * operator (app role, row-level security), so the audit rows it writes land in that workspace's audit
 * log with the operator as the actor. Not metered and not behind a workspace's access gate.
 */
export const operatorProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  const isOperator = await ctx.deps.domain.readUntenanted((em) => isPlatformOperator(em, ctx.user.id));
  if (!isOperator) throw AppError.forbidden("only a platform operator may do this");
  const opCtx = (workspaceId: string | null) => ({ workspaceId, actorId: ctx.user.id, actorType: "user" as const, correlationId: ctx.correlationId });
  return next({
    ctx: {
      runSystem: <T>(fn: (op: Operation) => Promise<T>) => ctx.deps.domain.runSystem(opCtx(null), fn),
      runIn: <T>(workspaceId: string, fn: (op: Operation) => Promise<T>) => ctx.deps.domain.run(opCtx(workspaceId), fn),
    },
  });
});

/**
 * Calls that count as `api_calls`: every workspace procedure except governance (`usage.*`, `access.*`),
 * which are neither counted nor limited, so an owner can always lift a limit that refuses every other call.
 */
function isMeteredCall(path: string): boolean {
  return !path.startsWith("usage.") && !path.startsWith("access.");
}

const ZWorkspaceScopedSchema = z.object({ workspaceId: z.uuid({ error: "must be a workspace id (UUID)" }).toLowerCase() });
const ZNoFieldsSchema = z.object({});

/**
 * A procedure on one workspace: the caller must be a member whose role holds `permission`.
 * Non-members get NOT_FOUND; members without the permission get FORBIDDEN. `schema` is merged
 * with `workspaceId` into one input, so every bad field is reported at once.
 *
 * Every `ctx.run` authorises in its own transaction, in one statement: the session, the membership,
 * the role, the access gate (mutations), the workspace's usage policies and the Idempotency-Key claim
 * (`authorizeCall`). A procedure that returns without ever calling `ctx.run` is a bug: it fails with
 * INTERNAL rather than answer a caller whose session was never checked.
 */
export function workspaceProcedure<TShape extends z.ZodRawShape = Record<never, never>>(
  permission: TPermission,
  schema?: z.ZodObject<TShape>,
  options: { allowDeletedWorkspace?: boolean; allowInactiveAccess?: boolean } = {},
) {
  const input = ZWorkspaceScopedSchema.extend((schema ?? ZNoFieldsSchema).shape as TShape);
  return signedInProcedure.input(input).use(async ({ ctx, type, path, input: parsed, next }) => {
    // The merged schema always holds workspaceId; TypeScript cannot see through the generic extend.
    const { workspaceId } = parsed as { workspaceId: string };
    // The access gate, for every mutation on a workspace (queries and exports are reads and pass):
    // an inactive or expired workspace is read-only (ACCESS_INACTIVE), after the membership check.
    const gate = type === "mutation" && !options.allowInactiveAccess;
    // The api_calls metric: counted after authorisation (a non-member cannot spend a workspace's calls).
    const meter = isMeteredCall(path) ? ctx.deps.apiCalls : undefined;
    let counted: ReadonlySet<UsageWindow> | null = null;
    let authorized = false;
    const prepare = async (op: Operation, claim: IdempotencyKeyClaim | undefined): Promise<Prepared<WorkspaceAccess>> => {
      const access = await authorizeCall(op, {
        permission, session: ctx.claims, gate, ...(claim ? { idempotency: claim } : {}),
        ...(options.allowDeletedWorkspace ? { allowDeletedWorkspace: true } : {}),
      });
      authorized = true;
      // Once per call, in the transaction of its (first) operation: a refusal writes nothing.
      if (meter && counted === null) counted = await meter.consume(op);
      return { value: access, ...(claim ? { claimedKeyId: access.claimedKeyId } : {}) };
    };
    const result = await next({
      ctx: {
        workspaceId,
        run: <T>(fn: (op: Operation, access: WorkspaceAccess) => Promise<T>) => runAsCaller(ctx, workspaceId, prepare, fn),
      },
    });
    if (result.ok && !authorized) throw new AppError("INTERNAL", `${path} answered without authorising its caller (it never called ctx.run)`);
    if (meter && counted !== null && result.ok) meter.record(workspaceId, counted);
    return result;
  });
}
