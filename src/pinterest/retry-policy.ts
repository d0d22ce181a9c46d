import type { Operation } from './operations.js';

/**
 * When a failed attempt is sent again, and after how long. The rules are data and one predicate over the
 * operation's own `idempotent` trait, never over its HTTP method: a DELETE that meets a 429 is retried like a GET,
 * a POST that creates something is not repeated once Pinterest may have acted on it.
 */

export interface RetryPolicy {
    /** Retries after the first attempt. */
    limit: number;
    baseDelayMs: number;
    maxDelayMs: number;
    /** A 429 that resets later than this fails at once with the reset time, instead of stalling the run. */
    maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { limit: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxRateLimitWaitMs: 65_000 };

export const RETRY_RULES = {
    /** Answers that say "not now" (429) or "something broke on our side" (5xx): worth another attempt. */
    statusCodes: new Set([429, 500, 502, 503, 504]),
    /** Network failures that pass: worth another attempt. */
    networkCodes: new Set([
        'ETIMEDOUT',
        'ECONNRESET',
        'EADDRINUSE',
        'ECONNREFUSED',
        'EPIPE',
        'ENOTFOUND',
        'ENETUNREACH',
        'EAI_AGAIN',
        'EHOSTUNREACH',
    ]),
    /** Network failures where no connection was made, so the request provably never reached Pinterest. */
    neverSentCodes: new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']),
} as const;

/** What is known about one failed attempt, independent of the HTTP library. */
export interface AttemptFailure {
    /** The HTTP status, when Pinterest answered. */
    status?: number;
    /** A 429 that blocks the request as spam (not a rate limit: waiting does not help). */
    spam?: boolean;
    /** The network error code (ETIMEDOUT, ECONNRESET, …), when there was no answer. */
    networkCode?: string;
    /** True only when the request provably never reached the server (no connection was ever made). */
    neverReachedServer: boolean;
    /** How long the answer asked to wait (`X-RateLimit-Reset` or `Retry-After` on a 429, `Retry-After` otherwise). */
    waitAskedMs?: number;
}

export interface FailureVerdict {
    /** Whether another attempt may be sent (the attempt limit and waits aside). */
    retryable: boolean;
    /** Whether Pinterest may have carried out a write that must not be repeated: reconcile instead of retrying. */
    outcomeUnknown: boolean;
}

/**
 * The one place that decides whether a failure may be retried and whether its outcome is unknown:
 * - a 429 that is not a spam block, and a failure that provably never reached the server, may be retried for any
 *   operation: Pinterest did nothing;
 * - a 5xx, a timeout or a dropped connection after sending may be retried only for an idempotent operation; for
 *   any other, Pinterest may have acted, so the outcome is unknown and the request is not repeated;
 * - anything else (4xx, a spam block, an error before sending) is final.
 */
export function judgeFailure(operation: Operation, failure: AttemptFailure): FailureVerdict {
    const { status } = failure;
    if (status !== undefined) {
        if (status === 429) return { retryable: !failure.spam, outcomeUnknown: false };
        if (status >= 500) {
            if (!operation.idempotent) return { retryable: false, outcomeUnknown: true };
            return { retryable: RETRY_RULES.statusCodes.has(status), outcomeUnknown: false };
        }
        return { retryable: false, outcomeUnknown: false };
    }
    const transient = failure.networkCode !== undefined && RETRY_RULES.networkCodes.has(failure.networkCode);
    if (failure.neverReachedServer) return { retryable: transient, outcomeUnknown: false };
    if (!operation.idempotent) return { retryable: false, outcomeUnknown: true };
    return { retryable: transient, outcomeUnknown: false };
}

export type RetryPlan = { retry: false } | { retry: true; delayMs: number; reason: string };

/**
 * Whether to send attempt `retry + 1`, and after how long: growing pauses with jitter, or, when the answer says
 * when to come back (a 429's reset, a 503's Retry-After), that time, unless it is too far off to wait for.
 */
export function planRetry(operation: Operation, failure: AttemptFailure, retry: number, policy: RetryPolicy, random: () => number): RetryPlan {
    if (retry > policy.limit || !judgeFailure(operation, failure).retryable) return { retry: false };
    const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
    let delayMs = backoff / 2 + random() * (backoff / 2);
    let reason = failure.status !== undefined ? `HTTP ${failure.status}` : (failure.networkCode ?? 'network error');
    const asked = failure.waitAskedMs;
    if (failure.status === 429) {
        reason = 'rate limited (429)';
        if (asked !== undefined) {
            if (asked > policy.maxRateLimitWaitMs) return { retry: false };
            // Land just after the reset; a little jitter keeps parallel runs from arriving together.
            delayMs = asked + random() * Math.min(1000, policy.baseDelayMs);
        }
    } else if (failure.status === 503 && asked !== undefined) {
        // A 503 may say when to come back; the same limit applies as for rate limits.
        if (asked > policy.maxRateLimitWaitMs) return { retry: false };
        delayMs = Math.max(delayMs, asked);
        reason = 'HTTP 503 with Retry-After';
    }
    return { retry: true, delayMs: Math.max(1, delayMs), reason };
}
