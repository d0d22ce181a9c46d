import type { RateLimitCategory } from './operations.js';

/** One quota from `X-RateLimit-Limit`: `limit` requests per `windowSeconds` (undefined when no `w=`). */
export interface RateLimitQuota {
    limit: number;
    windowSeconds?: number;
}

export interface RateLimitSnapshot {
    quotas: RateLimitQuota[];
    remaining?: number;
    /** Seconds until the window resets, as Pinterest sends it (not an epoch). */
    resetSeconds?: number;
    /** When this snapshot was taken, in ms of the tracker's clock. */
    observedAt: number;
}

type HeaderValue = string | string[] | undefined;

const firstValue = (value: HeaderValue) => (Array.isArray(value) ? value[0] : value);

function parseNonNegative(value: HeaderValue): number | undefined {
    const text = firstValue(value)?.trim();
    if (!text || !/^\d+(\.\d+)?$/.test(text)) return undefined;
    return Number(text);
}

/**
 * Parses the structured `X-RateLimit-Limit` header, e.g. `100, 100;w=1, 1000;w=60` or
 * `60;w=60;name="org_analytics_app_id_user_id"`. Anything unparseable is skipped, never thrown on.
 */
export function parseRateLimitLimit(value: HeaderValue): RateLimitQuota[] {
    const text = firstValue(value);
    if (!text) return [];
    const quotas: RateLimitQuota[] = [];
    for (const entry of text.split(',')) {
        const [head, ...params] = entry.split(';').map((part) => part.trim());
        const limit = parseNonNegative(head);
        if (limit === undefined) continue;
        const window = params.find((param) => /^w\s*=/.test(param));
        const windowSeconds = window ? parseNonNegative(window.split('=')[1]) : undefined;
        quotas.push(windowSeconds === undefined ? { limit } : { limit, windowSeconds });
    }
    return quotas;
}

/**
 * `Retry-After` in milliseconds from `now`: either delay-seconds or an HTTP date (RFC 9110). Undefined when absent or
 * unreadable; a date in the past means "now" (0).
 */
export function readRetryAfter(headers: Record<string, HeaderValue>, now: number): number | undefined {
    const text = firstValue(headers['retry-after'])?.trim();
    if (!text) return undefined;
    const seconds = parseNonNegative(text);
    if (seconds !== undefined) return seconds * 1000;
    const date = Date.parse(text);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function readRateLimitHeaders(headers: Record<string, HeaderValue>, observedAt: number): RateLimitSnapshot {
    return {
        quotas: parseRateLimitLimit(headers['x-ratelimit-limit']),
        remaining: parseNonNegative(headers['x-ratelimit-remaining']),
        resetSeconds: parseNonNegative(headers['x-ratelimit-reset']),
        observedAt,
    };
}

/**
 * A quota with a window of a day or more: Pinterest gives Trial apps about 1,000 requests a day, while Standard
 * apps get per-second and per-minute windows. It is the only hint of Trial access the API exposes.
 */
export function looksLikeTrialQuota(snapshot: RateLimitSnapshot | undefined): boolean {
    return Boolean(snapshot?.quotas.some((quota) => (quota.windowSeconds ?? 0) >= 86_400));
}

/**
 * Remembers the latest rate-limit headers per category, so that a request about to exceed an exhausted
 * quota waits for the reset instead of burning a 429 (the idea of Octokit's throttling plugin).
 */
export class RateLimitTracker {
    private readonly latest = new Map<RateLimitCategory, RateLimitSnapshot>();

    constructor(private readonly now: () => number = Date.now) {}

    record(category: RateLimitCategory, headers: Record<string, HeaderValue>): RateLimitSnapshot {
        const snapshot = readRateLimitHeaders(headers, this.now());
        // Keep the last known quotas when a response (an error page, say) carries none.
        const previous = this.latest.get(category);
        const merged = snapshot.quotas.length === 0 && previous ? { ...snapshot, quotas: previous.quotas } : snapshot;
        this.latest.set(category, merged);
        return merged;
    }

    snapshot(category: RateLimitCategory): RateLimitSnapshot | undefined {
        return this.latest.get(category);
    }

    /** Milliseconds to wait before the next request in `category`; 0 unless the quota is known to be spent. */
    waitBeforeNext(category: RateLimitCategory): number {
        const snapshot = this.latest.get(category);
        if (snapshot?.remaining !== 0 || snapshot.resetSeconds === undefined) return 0;
        const resetAt = snapshot.observedAt + snapshot.resetSeconds * 1000;
        return Math.max(0, resetAt - this.now());
    }
}

const PACING_MARGIN = 1.04;
/** Below this, `X-RateLimit-Reset` (whole seconds) says too little to spread the rest of a window by. */
const MIN_SPREAD_WINDOW_MS = 10_000;

/**
 * Spaces requests of one category ahead of time, from the quotas Pinterest announces, so that a burst of writes
 * (or analytics reads) runs at the account's limit instead of bouncing off 429s. Until the first answer of a
 * category tells the quota, one request goes alone and the rest wait for it.
 */
export class RequestPacer {
    private readonly nextSlot = new Map<RateLimitCategory, number>();
    private readonly probes = new Map<RateLimitCategory, Promise<void>>();
    private readonly sentSinceSnapshot = new Map<RateLimitCategory, { observedAt: number; sent: number }>();

    constructor(
        private readonly tracker: RateLimitTracker,
        private readonly now: () => number = Date.now,
        private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        /** Called with the wait before it starts, when it is long enough to mention. */
        private readonly onWait?: (category: RateLimitCategory, waitMs: number, reason: string) => void,
    ) {}

    /**
     * Resolves when the next request of `category` may leave. `settled` must be called once that request has an
     * answer (or failed), which is what lets the first request's quota reach the others.
     */
    async waitTurn(category: RateLimitCategory): Promise<void> {
        while (!this.tracker.snapshot(category)) {
            const probe = this.probes.get(category);
            if (!probe) {
                let release = () => {};
                this.probes.set(
                    category,
                    new Promise<void>((resolve) => (release = resolve)).finally(() => this.probes.delete(category)),
                );
                this.releaseProbe.set(category, release);
                return;
            }
            await probe;
        }
        const interval = this.intervalMs(category);
        const now = this.now();
        const slot = Math.max(now, this.nextSlot.get(category) ?? now);
        this.nextSlot.set(category, slot + interval);
        this.countSent(category);
        const wait = slot - now;
        if (wait > 0) {
            if (wait >= 1000) this.onWait?.(category, wait, `pacing ${category} requests to the rate limit`);
            await this.sleep(wait);
        }
    }

    /**
     * The wait for a spent quota before the pacer's own spacing: the reset, when it is far enough off to be known
     * well (whole seconds); within a short window even spacing already keeps the requests under the limit.
     */
    waitForSpentQuota(category: RateLimitCategory): number {
        const wait = this.tracker.waitBeforeNext(category);
        return wait >= MIN_SPREAD_WINDOW_MS ? wait : 0;
    }

    /** The answer (or failure) of a request of `category` arrived. */
    settled(category: RateLimitCategory): void {
        this.releaseProbe.get(category)?.();
        this.releaseProbe.delete(category);
    }

    private readonly releaseProbe = new Map<RateLimitCategory, () => void>();

    private countSent(category: RateLimitCategory): void {
        const snapshot = this.tracker.snapshot(category);
        if (!snapshot) return;
        const counter = this.sentSinceSnapshot.get(category);
        if (!counter || counter.observedAt !== snapshot.observedAt)
            this.sentSinceSnapshot.set(category, { observedAt: snapshot.observedAt, sent: 1 });
        else counter.sent += 1;
    }

    /** The gap between two requests: even spacing within every announced window, and what is left of the current one. */
    intervalMs(category: RateLimitCategory): number {
        const snapshot = this.tracker.snapshot(category);
        if (!snapshot) return 0;
        let interval = 0;
        for (const quota of snapshot.quotas) {
            // A few percent under the limit: requests that leave evenly spaced can still arrive a little bunched.
            if (quota.windowSeconds && quota.limit > 0) interval = Math.max(interval, (PACING_MARGIN * quota.windowSeconds * 1000) / quota.limit);
        }
        if (snapshot.remaining !== undefined && snapshot.resetSeconds !== undefined) {
            const untilReset = snapshot.observedAt + snapshot.resetSeconds * 1000 - this.now();
            const counter = this.sentSinceSnapshot.get(category);
            const left = snapshot.remaining - (counter?.observedAt === snapshot.observedAt ? counter.sent : 0);
            // What is left of a window (others may share the quota) is spread over the time to its reset. The reset
            // comes in whole seconds, too coarse to steer by within a short window: there even spacing does the work.
            if (untilReset >= MIN_SPREAD_WINDOW_MS) interval = Math.max(interval, left > 0 ? untilReset / left : untilReset);
        }
        return interval;
    }
}
