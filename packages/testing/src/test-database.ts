// The fixture lives with the migrations it applies; re-exported here for every other package.
export { createTestDatabase, TEST_PG_URL, testKeyRing, testKeyRingSpec, type TestDatabase } from "@spine/domain/testing";
