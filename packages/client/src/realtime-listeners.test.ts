import { describe, expect, it } from "vitest";
import { Listeners } from "./realtime-listeners.ts";

describe("Listeners", () => {
  it("calls each callback once per emit, passes what one throws to onError, and goes on", () => {
    const listeners = new Listeners<[number]>();
    const seen: string[] = [];
    const errors: unknown[] = [];
    listeners.add((n) => seen.push(`a${n}`));
    listeners.add(() => {
      throw new Error("boom");
    });
    listeners.add((n) => seen.push(`c${n}`));
    listeners.emit((err) => errors.push(err), 1);
    expect(seen).toEqual(["a1", "c1"]);
    expect(errors).toHaveLength(1);
  });

  it("a callback removed during an emit is not called; one that re-adds itself ends the emit and runs next time", () => {
    const listeners = new Listeners<[]>();
    const calls: string[] = [];
    let offB: () => void = () => undefined;
    let offSelf: () => void = () => undefined;
    const self = () => {
      calls.push("self");
      offSelf();
      offSelf = listeners.add(self);
    };
    listeners.add(() => {
      calls.push("a");
      offB();
    });
    offB = listeners.add(() => calls.push("b"));
    offSelf = listeners.add(self);
    listeners.emit(() => undefined);
    expect(calls).toEqual(["a", "self"]);
    listeners.emit(() => undefined);
    expect(calls).toEqual(["a", "self", "a", "self"]);
  });
});
