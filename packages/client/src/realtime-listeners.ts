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

  /** Returns the errors the callbacks threw. */
  emit(...args: TArgs): unknown[] {
    const errors: unknown[] = [];
    for (const fn of [...this.#set]) {
      try {
        fn(...args);
      } catch (err) {
        errors.push(err);
      }
    }
    return errors;
  }
}
