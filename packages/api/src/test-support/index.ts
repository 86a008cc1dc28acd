// Test support of the API package, for its own suites and for the host's HTTP suites in apps/api.
export * from "./api-harness.ts";
export * from "./procedure-table.ts";
export * from "./workspace-fixture.ts";
