import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const appsRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** An app (or the console's vite server) as a real child process, with its recent output kept for failures. */
export class ChildApp {
  output = "";
  exit: { code: number | null; signal: string | null } | null = null;
  readonly exited: Promise<void>;
  private constructor(readonly name: string, readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => void (this.output = (this.output + chunk.toString()).slice(-20_000));
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => child.once("exit", (code, signal) => {
      this.exit = { code, signal };
      resolve();
    }));
  }

  /** `node --import tsx src/main.ts` in apps/<app>. */
  static app(app: "api" | "worker" | "gateway", env: Record<string, string>): ChildApp {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: join(appsRoot, app),
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new ChildApp(app, child);
  }

  /** `pnpm spine <args>` as the operator runs it (`node --import tsx src/cli.ts` in apps/worker); resolves when it exits 0. */
  static async cli(args: string[], env: Record<string, string>): Promise<string> {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
      cwd: join(appsRoot, "worker"),
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const app = new ChildApp("spine-cli", child);
    await app.exited;
    if (app.exit?.code !== 0) throw new Error(`spine ${args.join(" ")} exited ${JSON.stringify(app.exit)}:\n${app.output}`);
    return app.output;
  }

  /** The console's vite dev server on `port`. */
  static vite(port: number, env: Record<string, string>): ChildApp {
    const cwd = join(appsRoot, "console");
    const child = spawn(process.execPath, [join(cwd, "node_modules", "vite", "bin", "vite.js"), "--port", String(port), "--strictPort", "--host", "127.0.0.1"], {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new ChildApp("vite", child);
  }

  async waitForHttp(url: string, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exit) throw new Error(`${this.name} exited ${JSON.stringify(this.exit)}:\n${this.output}`);
      if (await fetch(url).then((r) => r.ok, () => false)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${this.name} not ready at ${url}:\n${this.output}`);
  }

  async stop(): Promise<void> {
    if (this.exit) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
