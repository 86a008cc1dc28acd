import { MikroORM, type EntityManager } from "@mikro-orm/postgresql";
import { toAppError } from "../errors/driver-error.ts";
import { ENTITY_SCHEMAS } from "../orm/entities.ts";
import { UnitOfWorkSubscriber } from "../orm/unit-of-work.subscriber.ts";
import { Operation, applyScope } from "./operation.ts";
import { OperationContextStore, type OperationContext } from "./operation-context.ts";

export interface DomainOptions {
  /** Connection URL of the application role (never the owner, never a superuser). */
  clientUrl: string;
  poolMax?: number;
  debug?: boolean;
}

/** The domain runtime: one ORM, and operations that each run in one scoped transaction. */
export class Domain {
  private constructor(
    readonly orm: MikroORM,
    private readonly store: OperationContextStore,
  ) {}

  static async create(options: DomainOptions): Promise<Domain> {
    const store = new OperationContextStore();
    const orm = await MikroORM.init({
      clientUrl: options.clientUrl,
      entities: ENTITY_SCHEMAS,
      subscribers: [new UnitOfWorkSubscriber(store)],
      forceUtcTimezone: true,
      debug: options.debug ?? false,
      pool: { min: 0, max: options.poolMax ?? 10 },
      discovery: { disableDynamicFileAccess: true },
    });
    return new Domain(orm, store);
  }

  /** Run `fn` in one transaction scoped to `ctx`; its writes, audit rows and events commit together. */
  async run<T>(ctx: OperationContext, fn: (op: Operation) => Promise<T>): Promise<T> {
    const opCtx: OperationContext = { ...ctx };
    const em = this.orm.em.fork({ clear: true });
    try {
      return await this.store.run(opCtx, () =>
        em.transactional(async (tem) => {
          await applyScope(tem, opCtx);
          return fn(new Operation(tem, opCtx));
        }),
      );
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
  }
}
