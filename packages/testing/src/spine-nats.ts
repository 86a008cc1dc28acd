import { randomBytes } from "node:crypto";
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, startNatsServer, type NatsServerProcess } from "./nats-server.ts";

/** The project's NATS configuration (infra/nats). */
export const INFRA_NATS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "infra", "nats");

export type SpineNatsUser = "relay" | "worker" | "gateway" | "api" | "operator";

export interface SpineNats {
  server: NatsServerProcess;
  /** Directory holding this server's copy of nats-server.conf and users.conf. */
  dir: string;
  usersFile: string;
  pidFile: string;
  /** nats-server's monitoring endpoint (`-m`), e.g. http://127.0.0.1:8222: `/varz` says when it last loaded its configuration. */
  monitorUrl: string;
  /** The password of each service user (passed to nats-server in SPINE_NATS_<USER>_PASSWORD). */
  passwords: Record<SpineNatsUser, string>;
  /** The environment nats-server reads the passwords from. */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

// nats-server parses an environment value as a config token: start passwords with a letter.
const secret = () => `p${randomBytes(12).toString("hex")}`;

/**
 * Start nats-server on a free port with infra/nats/nats-server.conf and its users (the committed
 * users.conf, or `usersConf`), copied into a directory of its own so a test can rewrite the users.
 */
export async function startSpineNats(options: { usersConf?: string } = {}): Promise<SpineNats> {
  const dir = await mkdtemp(join(tmpdir(), "spine-nats-conf-"));
  const configFile = join(dir, "nats-server.conf");
  const usersFile = join(dir, "users.conf");
  const pidFile = join(dir, "nats-server.pid");
  await copyFile(join(INFRA_NATS_DIR, "nats-server.conf"), configFile);
  if (options.usersConf === undefined) await copyFile(join(INFRA_NATS_DIR, "users.conf"), usersFile);
  else await writeFile(usersFile, options.usersConf);
  const passwords = { relay: secret(), worker: secret(), gateway: secret(), api: secret(), operator: secret() };
  const env = Object.fromEntries(Object.entries(passwords).map(([user, pass]) => [`SPINE_NATS_${user.toUpperCase()}_PASSWORD`, pass]));
  const monitorPort = await freePort();
  const server = await startNatsServer({ configFile, env, storeDirEnv: "SPINE_NATS_STORE_DIR", args: ["-P", pidFile, "-m", String(monitorPort)] });
  return {
    server, dir, usersFile, pidFile, monitorUrl: `http://127.0.0.1:${monitorPort}`, passwords, env,
    async dispose() {
      await server.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
