import { AsyncLocalStorage } from "node:async_hooks";
import { MikroORM, type EntityManager } from "@mikro-orm/postgresql";
import { toAppError } from "../errors/driver-error.ts";
import type { KeyRing } from "../shared/key-ring.ts";
import { ENTITY_SCHEMAS } from "./entities.ts";
import { UnitOfWorkSubscriber } from "../uow/unit-of-work.subscriber.ts";
import { Operation, applyScope, scopeOf, type CommitTail, type DeferredWrite } from "../operation/operation.ts";
import { OperationContextStore, type OperationContext } from "../context/operation-context.ts";
import { beginWithSessionSettingsSql } from "../context/session-settings.ts";

/**
 * The top-level transaction of one operation, as the knex hook below sees it: the statement its `BEGIN`
 * carries (the scope), whether the hook took it over, and the writes it sends with its `COMMIT`.
 */
interface PendingTransaction {
  /** `BEGIN` plus the session settings, or null when the scope is set by its own statement. */
  beginSql: string | null;
  /** Set once the hook took over this operation's transaction (its begin and its commit). */
  claimed: boolean;
  /** Writes sent in the `COMMIT`'s round trip (`Operation.writeAtCommit`). */
  tail: CommitTail;
}

/** The parts of knex's client and transaction the hook touches. */
interface KnexTransactionLike {
  begin(connection: unknown): Promise<unknown>;
  commit(connection: unknown, value: unknown): Promise<unknown>;
  query(connection: unknown, sql: string): Promise<unknown>;
  isolationLevel?: string;
  readOnly?: boolean;
  _completed: boolean;
  _resolver(value: unknown): void;
  _rejecter(error: unknown): void;
}
interface KnexClientLike {
  transacting?: boolean;
  emit(event: "query", query: { sql: string; bindings: unknown[] }): void;
  transaction: (this: KnexClientLike, container: unknown, config: unknown, outerTx?: unknown) => KnexTransactionLike;
}
/** The driver connection (node-postgres) under a knex transaction. */
interface PgConnectionLike {
  query(sql: string): Promise<unknown>;
  escapeLiteral(value: string): string;
}

/**
 * Take over the first top-level transaction begun inside `pending.run`: its `BEGIN` carries the
 * operation's session settings (one round trip instead of two), and its `COMMIT` carries the writes the
 * operation deferred to it (`Operation.writeAtCommit`), as one simple-protocol query. If that query is
 * refused (a deferred write, or the commit), the transaction is rolled back on the same connection before
 * knex hands the connection back, and the operation fails with the driver's error: nothing of it is
 * committed. If the connection is lost once the query is sent, the outcome is unknown, as with any COMMIT.
 * Nested transactions (savepoints), a transaction begun outside an operation, or a second one
 * inside it, begin and commit as before.
 */
function takeOverTopLevelTransaction(orm: MikroORM, pending: AsyncLocalStorage<PendingTransaction>): void {
  const client = orm.em.getConnection().getKnex().client as KnexClientLike;
  const transaction = client.transaction;
  client.transaction = function (this: KnexClientLike, container, config, outerTx) {
    const trx = transaction.call(this, container, config, outerTx);
    const operation = pending.getStore();
    if (operation && !operation.claimed && !outerTx && !this.transacting && !trx.isolationLevel && !trx.readOnly) {
      operation.claimed = true;
      const { beginSql, tail } = operation;
      if (beginSql) trx.begin = (connection) => trx.query(connection, beginSql);
      const commit = trx.commit.bind(trx);
      tail.open = true;
      trx.commit = (connection, value) => {
        tail.open = false;
        const writes = tail.statements.splice(0);
        if (writes.length === 0) return commit(connection, value);
        const conn = connection as PgConnectionLike;
        const sql = `${writes.map((w) => renderLiterals(w, conn)).join(";\n")};\ncommit`;
        // Sent past knex's query runner (which would read a `?` inside a literal as a placeholder); announced
        // like any other statement, for whoever traces knex's queries.
        client.emit("query", { sql, bindings: [] });
        // Completed from here on, as knex's own commit does: a stray query on the transaction is refused
        // rather than queued behind the COMMIT, where it would run outside the transaction and its scope.
        trx._completed = true;
        return conn.query(sql).then(
          () => trx._resolver(value),
          async (err: unknown) => {
            // The failed statement left the transaction aborted (or the commit already ended it): end it here,
            // before knex hands the connection back (a lost connection is discarded by the pool instead).
            await conn.query("rollback").catch(() => undefined);
            trx._rejecter(err);
          },
        );
      };
    }
    return trx;
  };
}

/** A deferred write's text with each `?` replaced by its value as an escaped literal (`writeAtCommit` checked the count). */
function renderLiterals(write: DeferredWrite, conn: PgConnectionLike): string {
  let i = 0;
  return write.sql.replace(/\?/g, () => {
    const value = write.params[i++] ?? null;
    if (value === null) return "null";
    // Numbers as quoted untyped literals: typed by their column, as a bound parameter would be (and a
    // negative one cannot turn into a `--` comment).
    return conn.escapeLiteral(typeof value === "number" ? String(value) : value);
  });
}

export interface DomainOptions {
  /** Connection URL of the application role (never the owner, never a superuser). */
  clientUrl: string;
  /** Connection URL of the system role (BYPASSRLS); needed only by `runSystem`. */
  systemUrl?: string;
  poolMax?: number;
  debug?: boolean;
  /**
   * Keys that seal integration secrets at rest (`SPINE_KEY_RING`). Only processes that store or use
   * secrets need it (api, worker); without it, an operation that seals or opens a secret fails.
   */
  keyRing?: KeyRing;
}

/** The domain runtime: one ORM, and operations that each run in one scoped transaction. */
export class Domain {
  readonly #pending = new AsyncLocalStorage<PendingTransaction>();

  private constructor(
    readonly orm: MikroORM,
    private readonly store: OperationContextStore,
    private readonly systemOrm: MikroORM | null,
    private readonly keyRing: KeyRing | null,
  ) {}

  static async create(options: DomainOptions): Promise<Domain> {
    const store = new OperationContextStore();
    const init = (clientUrl: string) =>
      MikroORM.init({
        clientUrl,
        entities: ENTITY_SCHEMAS,
        subscribers: [new UnitOfWorkSubscriber(store)],
        forceUtcTimezone: true,
        // Entities are declared with \`defineEntity\` (no class, no field initializers): a property's
        // starting value is its \`onCreate\`, applied inside \`em.create\` (see shared/common-props.ts).
        processOnCreateHooksEarly: true,
        debug: options.debug ?? false,
        pool: { min: 0, max: options.poolMax ?? 10 },
        discovery: { disableDynamicFileAccess: true },
      });
    const orm = await init(options.clientUrl);
    const systemOrm = options.systemUrl ? await init(options.systemUrl) : null;
    const domain = new Domain(orm, store, systemOrm, options.keyRing ?? null);
    for (const o of [orm, systemOrm]) if (o) takeOverTopLevelTransaction(o, domain.#pending);
    return domain;
  }

  /** Run `fn` in one transaction scoped to `ctx`; its writes, audit rows and events commit together. */
  run<T>(ctx: OperationContext, fn: (op: Operation) => Promise<T>): Promise<T> {
    return this.runOn(this.orm, ctx, fn);
  }

  /**
   * Like `run`, as the system role (BYPASSRLS): for the relay, retention, dead letters and operator
   * tooling, which work across workspaces. `ctx.workspaceId` may be null; the session settings are
   * still applied by the same scope function, so tenant-scoped triggers and audit see the workspace.
   */
  runSystem<T>(ctx: OperationContext, fn: (op: Operation) => Promise<T>): Promise<T> {
    if (!this.systemOrm) throw new Error("Domain.runSystem needs DomainOptions.systemUrl");
    return this.runOn(this.systemOrm, ctx, fn);
  }

  private async runOn<T>(orm: MikroORM, ctx: OperationContext, fn: (op: Operation) => Promise<T>): Promise<T> {
    const opCtx: OperationContext = { ...ctx };
    // Fork this ORM's own manager, not the one of an operation already running in this async context: an
    // operation started inside another (a dead-letter replay inside its lock's system operation) would
    // otherwise inherit that operation's driver, and so its role.
    const em = orm.em.fork({ clear: true, disableContextResolution: true });
    try {
      const pending: PendingTransaction = { beginSql: beginWithSessionSettingsSql(scopeOf(opCtx)), claimed: false, tail: { open: false, savepoints: 0, statements: [] } };
      const transact = () =>
        em.transactional(async (tem) => {
          // The scope went with BEGIN when the hook sent it; otherwise it is its own statement.
          await applyScope(tem, opCtx, pending.claimed && pending.beginSql !== null);
          return fn(new Operation(tem, opCtx, this.keyRing, new Map(), pending.claimed ? pending.tail : null));
        });
      return await this.store.run(opCtx, () => this.#pending.run(pending, transact));
    } catch (err) {
      const converter = this.orm.em.getPlatform().getExceptionConverter();
      throw toAppError(err, (raw) => converter.convertException(raw));
    }
  }

  /**
   * One autocommit read outside any transaction and outside any workspace: for untenanted tables
   * (users, sessions) on hot paths. No scope is set, so a tenant table read here returns nothing.
   */
  async readUntenanted<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await fn(this.orm.em.fork({ clear: true }));
    } catch (err) {
      throw toAppError(err);
    }
  }

  async close(): Promise<void> {
    await this.orm.close(true);
    await this.systemOrm?.close(true);
  }
}
