import { execFile } from "node:child_process";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./nats-server.ts";

const run = promisify(execFile);

/** Binaries of the machine's PostgreSQL; tests that stop or crash PostgreSQL run their own cluster with them. */
export const PG_BIN_DIR = process.env.SPINE_PG_BIN_DIR ?? "/usr/lib/postgresql/15/bin";
/** The OS user a private cluster runs as when the tests run as root (initdb and postgres refuse root). */
export const PG_OS_USER = process.env.SPINE_PG_OS_USER ?? "postgres";

/** A private PostgreSQL cluster owned by one test file: stop it (fast or like a crash) and start it again. */
export interface PgClusterProcess {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication). */
  readonly url: string;
  readonly dataDir: string;
  start(): Promise<void>;
  /** `fast` is a clean shutdown; `immediate` aborts every backend without a checkpoint, like a crash. */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /** Stop the cluster and remove its data directory. */
  dispose(): Promise<void>;
}

const asRoot = typeof process.getuid === "function" && process.getuid() === 0;

/** Run a PostgreSQL binary, as `PG_OS_USER` when we are root. */
async function pgBin(binary: string, args: string[]): Promise<string> {
  const path = join(PG_BIN_DIR, binary);
  const [file, argv] = asRoot ? ["runuser", ["-u", PG_OS_USER, "--", path, ...args]] : [path, args];
  try {
    const { stdout } = await run(file, argv, { env: { PATH: process.env.PATH ?? "", LC_ALL: "C" } });
    return stdout;
  } catch (err) {
    const detail = err as { stderr?: string; stdout?: string };
    throw new Error(`${binary} ${args.join(" ")} failed: ${detail.stderr ?? ""}${detail.stdout ?? ""}`, { cause: err });
  }
}

/**
 * `initdb` a throw-away cluster (trust authentication, superuser `postgres`) in a temporary directory
 * and start it on a free port of 127.0.0.1. Extensions installed for the machine's server (pgvector)
 * are available, as the binaries are the same.
 */
export async function startPgCluster(): Promise<PgClusterProcess> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), "spine-pg-"));
  if (asRoot) {
    const { stdout } = await run("id", ["-u", PG_OS_USER]);
    const { stdout: gid } = await run("id", ["-g", PG_OS_USER]);
    await chown(dataDir, Number(stdout.trim()), Number(gid.trim()));
  }
  await pgBin("initdb", ["-D", dataDir, "--auth=trust", "-U", "postgres", "--no-sync", "--encoding=UTF8", "--locale=C"]);
  const options = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  let running = false;
  const start = async (): Promise<void> => {
    if (running) return;
    await pgBin("pg_ctl", ["-D", dataDir, "-o", options, "-l", join(dataDir, "server.log"), "-w", "-t", "60", "start"]);
    running = true;
  };
  const stop = async (mode: "fast" | "immediate" = "fast"): Promise<void> => {
    if (!running) return;
    await pgBin("pg_ctl", ["-D", dataDir, "-m", mode, "-w", "-t", "60", "stop"]);
    running = false;
  };
  await start();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    start,
    stop,
    dispose: async () => {
      await stop("immediate").catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
