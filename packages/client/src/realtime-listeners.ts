import type { Unsubscribe } from "./realtime-types.ts";

/** A set of callbacks; one throwing does not stop the others. */
export class Listeners<TArgs extends unknown[]> {
  readonly #set = new Set<(...args: TArgs) => void>();

  add(fn: (...args: TArgs) => void): Unsubscribe {
    this.#set.add(fn);
    return () => {
      this.#set.delete(fn);
    };
  }

  /**
   * Calls every callback; `onError` gets what one threw. A callback removed meanwhile is not called; one
   * added meanwhile may be (a Set's iteration), so no copy of the set is made per event.
   */
  emit(onError: (err: unknown) => void, ...args: TArgs): void {
    for (const fn of this.#set) {
      try {
        fn(...args);
      } catch (err) {
        onError(err);
      }
    }
  }
}
