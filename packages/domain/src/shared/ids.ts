import { v7 as uuidv7 } from "uuid";

/** UUIDv7: time-ordered, so primary-key indexes stay append-mostly. */
export function newId(): string {
  return uuidv7();
}
