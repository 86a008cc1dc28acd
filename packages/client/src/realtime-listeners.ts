import type { Unsubscribe } from "./realtime-types.ts";

/** A set of callbacks; one throwing does not stop the others. */
export class Listeners<TArgs extends unknown[]> {
  readonly #set = new Set<(...args: TArgs) => void>();
  /** The callbacks as of the last change, shared by every emit until the next add or remove (no copy per event). */
  #snapshot: readonly ((...args: TArgs) => void)[] = [];

  add(fn: (...args: TArgs) => void): Unsubscribe {
    this.#set.add(fn);
    this.#snapshot = [...this.#set];
    return () => {
      if (this.#set.delete(fn)) this.#snapshot = [...this.#set];
    };
  }

  /**
   * Calls every callback registered when the emit began; `onError` gets what one threw. One removed
   * meanwhile is not called; one added meanwhile waits for the next emit (so a callback that re-adds
   * itself cannot keep an emit going).
   */
  emit(onError: (err: unknown) => void, ...args: TArgs): void {
    for (const fn of this.#snapshot) {
      if (!this.#set.has(fn)) continue;
      try {
        fn(...args);
      } catch (err) {
        onError(err);
      }
    }
  }
}
