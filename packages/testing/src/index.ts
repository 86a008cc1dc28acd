export * from "./test-database.ts";
export * from "./nats-server.ts";
export * from "./nats-cluster.ts";
export * from "./nats-names.ts";
export * from "./pg-cluster.ts";
export * from "./spine-nats.ts";
export * from "./fixtures.ts";
