import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's `apps/` folder. */
export const appsRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "apps");

export type AppName = "api" | "worker" | "gateway";

/**
 * One of the apps (or any node program in `apps/<dir>`) as a real child process, with its recent output kept so a
 * failure can show what the process said. Tests use it to run, kill and restart the real apps.
 */
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

  /** `node --import tsx src/main.ts` (or `args`) in apps/<app>. */
  static start(app: AppName, env: Record<string, string>, args: string[] = ["src/main.ts"], name: string = app): AppProcess {
    return AppProcess.spawnIn(app, ["--import", "tsx", ...args], env, name);
  }

  /** The built app (`node dist/main.js`, no tsx); `pnpm build` makes it. */
  static startBuilt(app: AppName, env: Record<string, string>, name: string = app, entry = "dist/main.js"): AppProcess {
    return AppProcess.spawnIn(app, [entry], env, name);
  }

  /** `node <args>` with apps/<dir> as working directory and only `PATH`, `HOME` and `env` in its environment. */
  static spawnIn(dir: string, args: string[], env: Record<string, string>, name: string = dir): AppProcess {
    const child = spawn(process.execPath, args, {
      cwd: join(appsRoot, dir),
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new AppProcess(name, child);
  }

  /** `node <args>` in apps/<dir> run to its end: its output when it exits 0, an error with the output otherwise. */
  static async run(dir: string, args: string[], env: Record<string, string>, name: string = dir): Promise<string> {
    const proc = AppProcess.spawnIn(dir, args, env, name);
    await proc.exited;
    if (proc.exit?.code !== 0) throw new Error(`${name} ${args.join(" ")} exited ${JSON.stringify(proc.exit)}:\n${proc.output}`);
    return proc.output;
  }

  /** Poll `url` until it answers 2xx; fails early, with the output, if the process exits. */
  async waitForHttp(url: string, timeoutMs = 120_000): Promise<void> {
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

  /** SIGTERM (a graceful shutdown), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.exit) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
