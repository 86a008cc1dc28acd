import { migrate } from "../db/migrate.ts";

const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/spine";
const applied = await migrate(url);
process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "database is up to date\n");
