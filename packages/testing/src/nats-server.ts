import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Binary of the machine's nats-server; tests that stop or kill NATS run their own copy of it. */
export const NATS_SERVER_BIN = process.env.SPINE_NATS_SERVER_BIN ?? "nats-server";

export interface NatsServerOptions {
  /** A config file (`-c`); flags given here still override it. */
  configFile?: string;
  /** Extra environment for the server process (config files may reference `$VARS`). */
  env?: Record<string, string>;
  port?: number;
  storeDir?: string;
  /**
   * Pass the store directory in this environment variable instead of `-sd` (for a config file that
   * reads `store_dir: $VAR`, which nats-server 2.9 needs to reload its configuration).
   */
  storeDirEnv?: string;
  /** More flags, e.g. `["-P", pidFile]`. */
  args?: string[];
}

/** A nats-server process owned by one test file: stop it, start it again on the same port and store. */
export interface NatsServerProcess {
  readonly port: number;
  readonly url: string;
  readonly storeDir: string;
  start(): Promise<void>;
  /** SIGTERM (graceful) or SIGKILL, then wait for the process to exit. */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
  /** Stop the server and remove its store directory. */
  dispose(): Promise<void>;
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Start `nats-server -js -p <free port> -sd <tmpdir>` and wait until it accepts connections. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerProcess> {
  const port = options.port ?? (await freePort());
  const storeDir = options.storeDir ?? (await mkdtemp(join(tmpdir(), "spine-nats-")));
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let stderr = "";

  const start = async (): Promise<void> => {
    if (child) return;
    const args = [...(options.configFile ? ["-c", options.configFile] : []), "-js", "-a", "127.0.0.1", "-p", String(port), ...(options.storeDirEnv ? [] : ["-sd", storeDir]), ...(options.args ?? [])];
    const env = { ...process.env, ...options.env, ...(options.storeDirEnv ? { [options.storeDirEnv]: storeDir } : {}) };
    const proc = spawn(NATS_SERVER_BIN, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    proc.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    exited = new Promise((resolve) => proc.once("exit", () => resolve()));
    child = proc;
    try {
      await waitFor(async () => {
        if (proc.exitCode !== null) throw new Error(`nats-server exited (${proc.exitCode}): ${stderr}`);
        return canConnect(port);
      }, `nats-server on port ${port}`);
    } catch (err) {
      proc.kill("SIGKILL");
      child = null;
      throw err;
    }
  };

  const stop = async (signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> => {
    const proc = child;
    if (!proc) return;
    child = null;
    if (proc.exitCode === null) proc.kill(signal);
    await exited;
  };

  await start();
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    storeDir,
    start,
    stop,
    dispose: async () => {
      await stop("SIGKILL");
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
