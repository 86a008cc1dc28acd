import { helper, ReferenceKind, type EntityName, type RequiredEntityData } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import { createEnvelope, subjectFor, type EnvelopeOf, type EventPayload, type EventType } from "@spine/contracts";
import { AppError } from "../errors/app-error.ts";
import type { KeyRing } from "../shared/key-ring.ts";
import { AuditLog, OutboxEvent, type AuditChanges } from "../platform/entities.ts";
import { TENANT_FILTER } from "../shared/common-props.ts";
import { newId } from "../shared/ids.ts";
import { redact } from "../uow/redact.ts";
import { PRIVILEGED_ENTITIES } from "../uow/privileged-writes.ts";
import { assertRowInWorkspace } from "../uow/unit-of-work.subscriber.ts";
import type { OperationContext } from "../context/operation-context.ts";
import { sessionSettingsStatement, type SessionScope } from "../context/session-settings.ts";

/** The row-level-security scope of an operation's context: its workspace, and its user when a user acts. */
export function scopeOf(ctx: OperationContext): SessionScope {
  return { workspaceId: ctx.workspaceId, userId: ctx.actorType === "user" ? ctx.actorId : null };
}

/**
 * Set the row-level-security scope for the rest of the current transaction. `inSession` says the session
 * settings were already sent with the transaction's `BEGIN` (`Domain.run`), so only the ORM's filter is set.
 */
export async function applyScope(em: EntityManager, ctx: OperationContext, inSession = false): Promise<void> {
  if (!inSession) {
    const { sql, params } = sessionSettingsStatement(scopeOf(ctx), "knex");
    await em.execute(sql, params);
  }
  em.setFilterParams(TENANT_FILTER, { workspaceId: ctx.workspaceId });
}

/** The part of knex's raw query this file uses: bound parameters, and driver options (a prepared statement's name). */
interface KnexRaw {
  raw(sql: string, bindings: unknown[]): PromiseLike<{ rows: unknown[] }> & { options(options: { name: string }): PromiseLike<{ rows: unknown[] }> };
}

/** Names of `insertTogether` statements: one per distinct text, so each is prepared once per connection. */
const INSERT_STATEMENT_NAMES = new Map<string, string>();
const MAX_INSERT_STATEMENT_NAMES = 200;
function preparedNameFor(sql: string): string | undefined {
  let name = INSERT_STATEMENT_NAMES.get(sql);
  if (!name && INSERT_STATEMENT_NAMES.size < MAX_INSERT_STATEMENT_NAMES) INSERT_STATEMENT_NAMES.set(sql, (name = `spine_insert_${INSERT_STATEMENT_NAMES.size}`));
  return name;
}

/** A write sent with the transaction's COMMIT: `?` placeholders, values rendered as escaped literals then. */
export interface DeferredWrite {
  sql: string;
  params: readonly (string | number | null)[];
}

/** The writes a top-level transaction sends with its COMMIT; `open` while it can still take one. */
export interface CommitTail {
  open: boolean;
  /** Savepoints of the operation running now: while above 0, a write cannot wait for the COMMIT. */
  savepoints: number;
  statements: DeferredWrite[];
}

/**
 * One domain operation: a forked entity manager inside one transaction, scoped to one workspace.
 * Events it emits and audit rows it writes commit with its domain changes, or not at all.
 */
export class Operation {
  /** New rows gathered by `insertTogether`, written by one statement when it ends; null outside it. */
  #gathered: object[] | null = null;

  constructor(
    readonly em: EntityManager,
    readonly ctx: OperationContext,
    private readonly secretKeys: KeyRing | null = null,
    /**
     * Rows read once for the whole operation (the authorization statement's usage policies), by key;
     * shared with its savepoints. The module that stores a key owns it and forgets it when it writes.
     */
    readonly memo: Map<string, unknown> = new Map(),
    /** Where `writeAtCommit` defers to: the top-level transaction's COMMIT; null in a savepoint or without the hook. */
    private readonly commitTail: CommitTail | null = null,
  ) {}

  /** The key ring that seals and opens secrets at rest; a process configured without one cannot touch secrets. */
  get keyRing(): KeyRing {
    if (!this.secretKeys) throw new AppError("INTERNAL", "no key ring is configured (SPINE_KEY_RING); secrets cannot be sealed or opened in this process");
    return this.secretKeys;
  }

  /** The operation's workspace; throws if the operation is not workspace-scoped. */
  get workspaceId(): string {
    if (!this.ctx.workspaceId) throw AppError.forbidden("this operation needs a workspace");
    return this.ctx.workspaceId;
  }

  /** Move the operation into a workspace (a workspace being created, say). */
  async enterWorkspace(workspaceId: string): Promise<void> {
    this.ctx.workspaceId = workspaceId;
    await applyScope(this.em, this.ctx);
  }

  /**
   * Run `fn` in a savepoint of this operation's transaction: if it throws, its writes, events and
   * audit rows are rolled back and the error is rethrown; the operation itself goes on.
   */
  async savepoint<T>(fn: (op: Operation) => Promise<T>): Promise<T> {
    const tail = this.commitTail;
    if (tail) tail.savepoints++;
    try {
      return await this.em.transactional((em) => fn(new Operation(em, this.ctx, this.secretKeys, this.memo)));
    } finally {
      if (tail) tail.savepoints--;
    }
  }

  /**
   * One statement in this operation's transaction with bound parameters (`?` placeholders), as a named
   * prepared statement when `name` is given: PostgreSQL parses and plans it once per connection instead
   * of on every call. (`em.execute` inlines the parameters into the text, so no two calls share a plan.)
   * The hot paths' statements go through here; a name must always stand for the same text.
   */
  async query<R>(sql: string, params: readonly unknown[], name?: string): Promise<R[]> {
    const knex = (this.em.getTransactionContext() ?? this.em.getConnection().getKnex()) as unknown as KnexRaw;
    const raw = knex.raw(sql, params as unknown[]);
    const result = await (name ? raw.options({ name }) : raw);
    return result.rows as R[];
  }

  /**
   * A write whose outcome the operation does not read, sent in the same round trip as the transaction's
   * COMMIT (one simple-protocol query: the writes, then `commit`). Same transaction, same guarantees: if
   * the write fails, nothing of the operation is committed and the operation fails with its error. Values
   * are strings, finite numbers or null, inlined as escaped literals (a multi-statement query takes no
   * parameters). While a savepoint runs (its writes may still roll back alone; through this operation or
   * the savepoint's own) or in a transaction the hook does not own, the write runs now, as an ordinary
   * statement (`name` makes it a prepared one).
   */
  async writeAtCommit(sql: string, params: readonly (string | number | null)[], name?: string): Promise<void> {
    const placeholders = sql.split("?").length - 1;
    if (placeholders !== params.length) throw new Error(`writeAtCommit: ${params.length} parameters for ${placeholders} placeholders`);
    if (params.some((value) => typeof value === "number" && !Number.isFinite(value))) throw new Error("writeAtCommit: a number parameter must be finite");
    if (this.commitTail?.open && this.commitTail.savepoints === 0) {
      this.commitTail.statements.push({ sql, params });
      return;
    }
    await this.query(sql, params, name);
  }

  /**
   * A new row for this operation: persisted through the unit of work, or, inside `insertTogether`,
   * gathered for its one insert statement. Events (`emit`) and activity rows go through here.
   */
  newRow<E extends object>(entity: EntityName<E>, data: RequiredEntityData<E>): E {
    const row = this.em.create(entity, data, { persist: false });
    if (this.#gathered) this.#gathered.push(row);
    else this.em.persist(row);
    return row;
  }

  /**
   * The hot paths' write: every row `fn` makes with `newRow` (the domain row, its outbox event, its
   * activity line) is inserted by one statement when `fn` returns, instead of one insert per table at
   * the next flush. The rows are then managed entities, as after a flush. Same guarantees as the unit
   * of work: same transaction, row-level security, every tenant row in the operation's workspace
   * (checked here too); privileged entities are refused, since their audit row comes from the unit of
   * work's hook.
   */
  async insertTogether<T>(fn: () => T): Promise<T> {
    if (this.#gathered) throw new Error("insertTogether does not nest");
    this.#gathered = [];
    let rows: object[];
    let result: T;
    try {
      result = fn();
    } finally {
      rows = this.#gathered;
      this.#gathered = null;
    }
    if (rows.length === 0) return result;
    const inserts = rows.map((row) => this.#insertStatement(row));
    const last = inserts.pop()!;
    const sql = inserts.length === 0 ? last.sql : `with ${inserts.map((ins, i) => `w${i} as (${ins.sql})`).join(", ")} ${last.sql}`;
    await this.query(sql, [...inserts.flatMap((ins) => ins.params), ...last.params], preparedNameFor(sql));
    // Managed from here on, as after a flush; not validated again (the database just took these values).
    for (const row of rows) this.em.merge(row, { validate: false });
    return result;
  }

  #insertStatement(row: object): { sql: string; params: unknown[] } {
    const meta = helper(row).__meta;
    if (PRIVILEGED_ENTITIES[meta.className]) throw new Error(`insertTogether: ${meta.className} is a privileged entity; write it through the unit of work (audited)`);
    const values = row as Record<string, unknown>;
    // The unit of work's guard, applied here because these rows never reach its flush.
    assertRowInWorkspace(this.ctx, meta.className, values);
    const platform = this.em.getPlatform();
    const columns: string[] = [];
    const params: unknown[] = [];
    for (const prop of meta.props) {
      if (prop.persist === false || prop.kind !== ReferenceKind.SCALAR || prop.fieldNames.length !== 1) continue;
      const value = values[prop.name];
      if (value === undefined) continue;
      columns.push(`"${prop.fieldNames[0]}"`);
      params.push(prop.customType && value !== null ? prop.customType.convertToDatabaseValue(value, platform, { mode: "query" }) : value);
    }
    return { sql: `insert into "${meta.tableName}" (${columns.join(", ")}) values (${columns.map(() => "?").join(", ")})`, params };
  }

  /** Record an event; it is validated now and lands in the outbox with this transaction. */
  emit<T extends EventType>(type: T, payload: EventPayload<T>): EnvelopeOf<T> {
    const envelope = createEnvelope({
      type,
      payload,
      workspaceId: this.ctx.workspaceId,
      // The spec's actor_id is "the user or system actor, if known": any actor the context names.
      actorId: this.ctx.actorId,
      correlationId: this.ctx.correlationId,
    });
    this.newRow(OutboxEvent, {
      id: envelope.event_id,
      workspaceId: envelope.workspace_id,
      eventType: envelope.event_type,
      subject: subjectFor(envelope.workspace_id, envelope.event_type),
      envelope,
      // createEnvelope validated it against its contract just now.
      validated: true,
    });
    return envelope;
  }

  /** Explicit audit row, for bulk or native writes that bypass the unit of work. */
  audit(entry: { action: string; targetType: string; targetId: string | null; changes?: AuditChanges }): AuditLog {
    const audit = this.em.create(AuditLog, {
      id: newId(),
      workspaceId: this.workspaceId,
      actorId: this.ctx.actorId,
      actorType: this.ctx.actorType,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      changes: redact(entry.changes ?? {}) as AuditChanges,
      correlationId: this.ctx.correlationId,
    });
    this.em.persist(audit);
    return audit;
  }
}
