// Bounded waits: a promise raced against a timer that does not keep the process alive.

/** `p`'s value, or undefined when it has not settled within `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);
}
