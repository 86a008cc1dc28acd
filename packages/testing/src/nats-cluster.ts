import { freePort, startNatsServer, type NatsServerProcess } from "./nats-server.ts";

export interface NatsClusterOptions {
  /** `infra/nats/cluster.conf` (or another file reading the same SPINE_NATS_* variables, the store directory included). */
  configFile: string;
  /** Extra environment for every node (e.g. the per-role passwords). */
  env?: Record<string, string>;
  size?: number;
}

/** A cluster of nats-server processes on loopback ports, each with its own store, routed to each other. */
export interface NatsCluster {
  readonly nodes: NatsServerProcess[];
  /** Client URLs of every node, for `servers:`. */
  readonly urls: string[];
  dispose(): Promise<void>;
}

/** Start `size` (3) nodes of a JetStream cluster on free ports; each can be killed and restarted on its own. */
export async function startNatsCluster(options: NatsClusterOptions): Promise<NatsCluster> {
  const size = options.size ?? 3;
  const routePorts: number[] = [];
  for (let i = 0; i < size; i += 1) routePorts.push(await freePort());
  const routes = Object.fromEntries(routePorts.map((port, i) => [`SPINE_NATS_ROUTE_${i + 1}`, `nats-route://127.0.0.1:${port}`]));
  const nodes = await Promise.all(
    routePorts.map((port, i) =>
      startNatsServer({
        configFile: options.configFile,
        storeDirEnv: "SPINE_NATS_STORE_DIR",
        env: { ...options.env, ...routes, SPINE_NATS_SERVER_NAME: `spine-${i + 1}`, SPINE_NATS_CLUSTER_LISTEN: `127.0.0.1:${port}` },
      }),
    ),
  );
  return {
    nodes,
    urls: nodes.map((n) => n.url),
    dispose: async () => {
      await Promise.all(nodes.map((n) => n.dispose()));
    },
  };
}
