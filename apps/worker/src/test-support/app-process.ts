import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const appsRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** One of the apps as a real child process (`src/main.ts` unless told), with its recent output kept for failures. */
export class AppProcess {
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

  static start(app: "api" | "worker" | "gateway", env: Record<string, string>, args: string[] = ["src/main.ts"], name: string = app): AppProcess {
    return AppProcess.spawn(app, ["--import", "tsx", ...args], env, name);
  }

  /** The built app (`node dist/main.js`, no tsx): see built-apps.ts for building it. */
  static startBuilt(app: "api" | "worker" | "gateway", env: Record<string, string>, name: string = app, entry = "dist/main.js"): AppProcess {
    return AppProcess.spawn(app, [entry], env, name);
  }

  private static spawn(app: string, args: string[], env: Record<string, string>, name: string): AppProcess {
    const child = spawn(process.execPath, args, {
      cwd: join(appsRoot, app),
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new AppProcess(name, child);
  }

  async waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exit) throw new Error(`${this.name} exited ${JSON.stringify(this.exit)}:\n${this.output}`);
      if (await fetch(url).then((r) => r.ok, () => false)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${this.name} not ready at ${url}:\n${this.output}`);
  }

  /** SIGKILL, as a crash would. */
  async kill(): Promise<void> {
    if (this.exit) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }

  async stop(): Promise<void> {
    if (this.exit) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
