import type { RateLimitCategory } from './operations.js';
import type { RateLimitSnapshot } from './rate-limit.js';

export interface PacingOptions {
    /** Categories whose requests are spaced; others only wait when their quota is spent (the tracker's rule). */
    categories: readonly RateLimitCategory[];
    /**
     * Requests go out at once while more than this share of the window's limit remains; below it, the requests
     * left are spread evenly over the time until the reset. 0.1 of 60 per minute: 54 at once, then one every ~10 s.
     */
    reserveShare: number;
    /** Windows resetting later than this are not spread over (a daily quota would stall the run for hours). */
    maxSpreadMs: number;
}

export const DEFAULT_PACING: PacingOptions = { categories: ['org_analytics'], reserveShare: 0.1, maxSpreadMs: 120_000 };

/**
 * Spaces requests ahead of time from the last rate-limit headers seen, so that a long series of calls (the
 * per-pin analytics fallback: one request per pin against about 60 a minute) never meets a 429, instead of
 * running into the wall and waiting for the reset. Works for any category; which ones are paced is an option.
 * It sees only completed responses, so it assumes the category's requests are sent one after another.
 */
export class Pacer {
    private readonly options: PacingOptions;

    constructor(
        private readonly latest: (category: RateLimitCategory) => RateLimitSnapshot | undefined,
        private readonly now: () => number,
        private readonly sleep: (ms: number) => Promise<void>,
        options: Partial<PacingOptions> = {},
    ) {
        this.options = { ...DEFAULT_PACING, ...options };
    }

    /** Milliseconds to hold the next request in `category`. */
    delayBefore(category: RateLimitCategory): number {
        if (!this.options.categories.includes(category)) return 0;
        const snapshot = this.latest(category);
        if (snapshot?.remaining === undefined || snapshot.resetSeconds === undefined) return 0;
        const untilReset = snapshot.observedAt + snapshot.resetSeconds * 1000 - this.now();
        if (untilReset <= 0 || untilReset > this.options.maxSpreadMs) return 0;
        if (snapshot.remaining === 0) return untilReset;
        // The binding window's limit comes first in X-RateLimit-Limit; without one, spread only the last request.
        const limit = snapshot.quotas[0]?.limit ?? 0;
        const reserve = Math.max(1, Math.ceil(limit * this.options.reserveShare));
        if (snapshot.remaining > reserve) return 0;
        // Waiting untilReset / remaining before each request lands the last one of the window at its reset.
        return Math.ceil(untilReset / snapshot.remaining);
    }

    async beforeRequest(category: RateLimitCategory): Promise<void> {
        const delay = this.delayBefore(category);
        if (delay > 0) await this.sleep(delay);
    }
}
