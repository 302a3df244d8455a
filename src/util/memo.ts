/** Memoise an async factory per key; a rejected promise is dropped so the next call retries. */
export function memoAsync<T>(make: (key: string) => Promise<T>): { get(key: string): Promise<T>; values(): Promise<T>[]; clear(): void } {
  const cache = new Map<string, Promise<T>>();
  return {
    get(key) {
      let p = cache.get(key);
      if (!p) {
        p = make(key);
        cache.set(key, p);
        p.catch(() => cache.delete(key));
      }
      return p;
    },
    values: () => [...cache.values()],
    clear: () => cache.clear(),
  };
}
