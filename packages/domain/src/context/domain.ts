import {
  DriverException,
  ForeignKeyConstraintViolationException,
  MikroORM,
  NotNullConstraintViolationException,
  UniqueConstraintViolationException,
} from "@mikro-orm/postgresql";
import { AppError } from "../errors/app-error.ts";
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

const RLS_VIOLATION = "42501";

function toAppError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  if (err instanceof UniqueConstraintViolationException) return AppError.conflict("a record with these values already exists");
  if (err instanceof ForeignKeyConstraintViolationException) return AppError.notFound("referenced record");
  if (err instanceof NotNullConstraintViolationException) return AppError.badRequest("a required field is missing");
  if (err instanceof DriverException && err.code === RLS_VIOLATION) {
    return AppError.forbidden("write outside the operation's workspace");
  }
  return err;
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
      throw toAppError(err);
    }
  }

  async close(): Promise<void> {
    await this.orm.close(true);
  }
}
