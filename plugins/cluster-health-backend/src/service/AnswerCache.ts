/** An answer as the routes hand it out: fresh, or the last good one marked stale. */
export interface CachedAnswer<T> {
  data: T;
  fetchedAt: string;
  stale: boolean;
  error?: string;
}

interface Entry {
  good?: { data: unknown; at: number };
  failure?: { error: Error; at: number };
  inFlight?: Promise<CachedAnswer<unknown>>;
}

/**
 * Reuses answers for a short while, shares one request among callers that ask
 * at once, and when loading fails hands out the last good answer marked stale
 * (or rethrows when there is none). Failures are remembered for the same
 * while, so a Prometheus that is down is not asked again by every caller.
 */
export class AnswerCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly options: {
      ttlMs: number;
      now?: () => number;
      onFailure?: (key: string, error: Error) => void;
    },
  ) {}

  private now() {
    return this.options.now ? this.options.now() : Date.now();
  }

  async get<T>(key: string, load: () => Promise<T>): Promise<CachedAnswer<T>> {
    const entry = this.entries.get(key) ?? {};
    this.entries.set(key, entry);
    const now = this.now();
    const young = (at: number) => now - at < this.options.ttlMs;

    if (entry.inFlight) return entry.inFlight as Promise<CachedAnswer<T>>;
    if (entry.failure && young(entry.failure.at))
      return this.fallBack(entry, entry.failure.error);
    if (!entry.failure && entry.good && young(entry.good.at))
      return this.answer(entry.good);

    const attempt = load().then(
      data => {
        entry.good = { data, at: this.now() };
        entry.failure = undefined;
        return this.answer(entry.good);
      },
      (error: Error) => {
        entry.failure = { error, at: this.now() };
        this.options.onFailure?.(key, error);
        return this.fallBack(entry, error);
      },
    );
    entry.inFlight = attempt;
    try {
      return (await attempt) as CachedAnswer<T>;
    } finally {
      entry.inFlight = undefined;
    }
  }

  private answer<T>(good: { data: unknown; at: number }): CachedAnswer<T> {
    return {
      data: good.data as T,
      fetchedAt: new Date(good.at).toISOString(),
      stale: false,
    };
  }

  private fallBack<T>(entry: Entry, error: Error): CachedAnswer<T> {
    if (!entry.good) throw error;
    return { ...this.answer<T>(entry.good), stale: true, error: error.message };
  }
}
