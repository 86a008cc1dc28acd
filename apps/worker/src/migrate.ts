// `node apps/worker/dist/migrate.js`: apply the checked-in migrations (the production counterpart of
// `pnpm db:migrate`). Migrations are listed in @spine/domain's MIGRATIONS and bundled with it, so no
// file is loaded by a dynamic import at run time.
import { migrate } from "@spine/domain/migrate";
import { loadMigrateEnv } from "./env.ts";

const applied = await migrate(loadMigrateEnv().DATABASE_URL);
process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "database is up to date\n");
