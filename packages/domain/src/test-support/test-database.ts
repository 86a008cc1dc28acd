import { KeyRing } from "../shared/key-ring.ts";
import { randomBytes } from "node:crypto";
import { appUrlFrom, systemUrlFrom } from "@spine/logging";
import { dropDatabase, migrate } from "../db/migrate.ts";

/** Server the tests create their databases on; the owner role must be able to CREATE DATABASE. */
export const TEST_PG_URL = process.env.SPINE_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  name: string;
  ownerUrl: string;
  appUrl: string;
  systemUrl: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file; runs never collide. */
export async function createTestDatabase(label = "t"): Promise<TestDatabase> {
  const name = `spine_test_${label}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  const ownerUrl = url.toString();
  await migrate(ownerUrl);
  return {
    name,
    ownerUrl,
    appUrl: appUrlFrom(ownerUrl),
    systemUrl: systemUrlFrom(ownerUrl),
    drop: () => dropDatabase(ownerUrl),
  };
}

/** A fresh key ring for one test run (`SPINE_KEY_RING` form, and parsed). */
export function testKeyRingSpec(): string {
  return KeyRing.generateEntry(`test${Date.now().toString(36)}`);
}
export function testKeyRing(): KeyRing {
  return KeyRing.parse(testKeyRingSpec());
}
