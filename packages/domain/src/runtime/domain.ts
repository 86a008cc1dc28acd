import { AsyncLocalStorage } from "node:async_hooks";
import { MikroORM, type EntityManager } from "@mikro-orm/postgresql";
import { toAppError } from "../errors/driver-error.ts";
import type { KeyRing } from "../shared/key-ring.ts";
import { ENTITY_SCHEMAS } from "./entities.ts";
import { UnitOfWorkSubscriber } from "../uow/unit-of-work.subscriber.ts";
import { Operation, applyScope, scopeOf } from "../operation/operation.ts";
import { OperationContextStore, type OperationContext } from "../context/operation-context.ts";
import { beginWithSessionSettingsSql } from "../context/session-settings.ts";

/** The begin statement the next top-level transaction of an operation sends; `sent` once it has. */
interface PendingBegin {
  sql: string;
  sent: boolean;
}

/** The parts of knex's client and transaction the scoped begin touches. */
interface KnexTransactionLike {
  begin(connection: unknown): Promise<unknown>;
  query(connection: unknown, sql: string): Promise<unknown>;
  isolationLevel?: string;
  readOnly?: boolean;
}
interface KnexClientLike {
  transacting?: boolean;
  transaction: (this: KnexClientLike, container: unknown, config: unknown, outerTx?: unknown) => KnexTransactionLike;
}

/**
 * Make the first top-level transaction begun inside `pending.run` send `BEGIN` together with the
 * operation's session settings (one round trip instead of two). Nested transactions (savepoints), a
 * transaction begun outside an operation, or a second one inside it, begin as before.
 */
function sendScopeWithBegin(orm: MikroORM, pending: AsyncLocalStorage<PendingBegin>): void {
  const client = orm.em.getConnection().getKnex().client as KnexClientLike;
  const transaction = client.transaction;
  client.transaction = function (this: KnexClientLike, container, config, outerTx) {
    const trx = transaction.call(this, container, config, outerTx);
    const begin = pending.getStore();
    if (begin && !begin.sent && !outerTx && !this.transacting && !trx.isolationLevel && !trx.readOnly) {
      begin.sent = true;
      trx.begin = (connection) => trx.query(connection, begin.sql);
    }
    return trx;
  };
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
  readonly #pendingBegin = new AsyncLocalStorage<PendingBegin>();

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
    for (const o of [orm, systemOrm]) if (o) sendScopeWithBegin(o, domain.#pendingBegin);
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
      const beginSql = beginWithSessionSettingsSql(scopeOf(opCtx));
      const begin: PendingBegin | null = beginSql ? { sql: beginSql, sent: false } : null;
      const transact = () =>
        em.transactional(async (tem) => {
          // The scope went with BEGIN when the begin hook sent it; otherwise it is its own statement.
          await applyScope(tem, opCtx, begin?.sent ?? false);
          return fn(new Operation(tem, opCtx, this.keyRing));
        });
      return await this.store.run(opCtx, () => (begin ? this.#pendingBegin.run(begin, transact) : transact()));
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
