export * from "./test-database.ts";
export * from "./nats-server.ts";
export * from "./nats-cluster.ts";
export * from "./nats-names.ts";
export * from "./pg-cluster.ts";
export * from "./spine-nats.ts";
// The vitest fixtures (`dbTest`, `natsTest`) are at "@spine/testing/fixtures": they import vitest, which
// only loads inside a test run, and this entry is also used by the benchmarks.
export * from "./app-process.ts";
