/**
 * Fixed-window rate limiting with Pinterest-style headers.
 *
 * Each policy is a list of windows (`limit` requests per `windowSec` seconds, windows aligned to the epoch).
 * A request counts against every window of its policy. The headers describe the most constraining window:
 * `X-RateLimit-Limit: <its limit>, <limit>;w=<sec>, …` (the structured form Pinterest sends),
 * `X-RateLimit-Remaining: <requests left in it>`, `X-RateLimit-Reset: <seconds until it resets>`.
 */

export interface RateLimitWindow {
    limit: number;
    windowSec: number;
}

/** Windows per `x-ratelimit-category` for apps with Standard access, and one policy for Trial apps. */
export interface RateLimitPolicies {
    standard: Record<string, RateLimitWindow[]>;
    /** Trial apps share one daily budget per app across all categories. */
    trial: RateLimitWindow[];
}

export const DEFAULT_RATE_LIMITS: RateLimitPolicies = {
    standard: {
        org_read: [
            { limit: 100, windowSec: 1 },
            { limit: 1000, windowSec: 60 },
        ],
        org_write: [
            { limit: 100, windowSec: 1 },
            { limit: 100, windowSec: 60 },
        ],
        org_analytics: [{ limit: 60, windowSec: 60 }],
        ads_read: [
            { limit: 100, windowSec: 1 },
            { limit: 1000, windowSec: 60 },
        ],
    },
    trial: [{ limit: 1000, windowSec: 86_400 }],
};

export interface RateLimitHeaders {
    'X-RateLimit-Limit': string;
    'X-RateLimit-Remaining': string;
    'X-RateLimit-Reset': string;
}

export interface RateLimitDecision {
    allowed: boolean;
    headers: RateLimitHeaders;
}

export class RateLimiter {
    private readonly counters = new Map<string, { start: number; count: number }>();

    constructor(
        private readonly now: () => number,
        readonly policies: RateLimitPolicies = DEFAULT_RATE_LIMITS,
    ) {}

    windowsFor(category: string, trial: boolean): RateLimitWindow[] {
        if (trial) return this.policies.trial;
        return this.policies.standard[category] ?? this.policies.standard.org_read ?? [{ limit: 1000, windowSec: 60 }];
    }

    private state(key: string, window: RateLimitWindow): { start: number; used: number; resetMs: number } {
        const nowMs = this.now();
        const sizeMs = window.windowSec * 1000;
        const start = Math.floor(nowMs / sizeMs) * sizeMs;
        const counter = this.counters.get(`${key}|${window.windowSec}`);
        const used = counter && counter.start === start ? counter.count : 0;
        return { start, used, resetMs: start + sizeMs - nowMs };
    }

    private headers(key: string, windows: RateLimitWindow[]): RateLimitHeaders {
        let binding: { window: RateLimitWindow; remaining: number; resetMs: number } | undefined;
        for (const window of windows) {
            const { used, resetMs } = this.state(key, window);
            const remaining = Math.max(0, window.limit - used);
            // Fewest requests left wins; on a tie the longer window (it blocks for longer).
            if (!binding || remaining < binding.remaining || (remaining === binding.remaining && window.windowSec > binding.window.windowSec)) {
                binding = { window, remaining, resetMs };
            }
        }
        if (!binding) return { 'X-RateLimit-Limit': '0', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '0' };
        const policy = windows.map((w) => `${w.limit};w=${w.windowSec}`).join(', ');
        return {
            'X-RateLimit-Limit': `${binding.window.limit}, ${policy}`,
            'X-RateLimit-Remaining': String(binding.remaining),
            'X-RateLimit-Reset': String(Math.max(1, Math.ceil(binding.resetMs / 1000))),
        };
    }

    /** Headers without counting a request. */
    peek(key: string, windows: RateLimitWindow[]): RateLimitHeaders {
        return this.headers(key, windows);
    }

    /** Counts one request unless a window is exhausted, in which case the request is refused. */
    consume(key: string, windows: RateLimitWindow[]): RateLimitDecision {
        const states = windows.map((window) => ({ window, ...this.state(key, window) }));
        const exhausted = states.filter((s) => s.used >= s.window.limit);
        if (exhausted.length > 0) {
            const longest = exhausted.reduce((a, b) => (b.resetMs > a.resetMs ? b : a));
            const policy = windows.map((w) => `${w.limit};w=${w.windowSec}`).join(', ');
            return {
                allowed: false,
                headers: {
                    'X-RateLimit-Limit': `${longest.window.limit}, ${policy}`,
                    'X-RateLimit-Remaining': '0',
                    'X-RateLimit-Reset': String(Math.max(1, Math.ceil(longest.resetMs / 1000))),
                },
            };
        }
        for (const s of states) this.counters.set(`${key}|${s.window.windowSec}`, { start: s.start, count: s.used + 1 });
        return { allowed: true, headers: this.headers(key, windows) };
    }

    reset(): void {
        this.counters.clear();
    }
}
