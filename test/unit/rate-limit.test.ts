import { describe, expect, it } from 'vitest';

import { looksLikeTrialQuota, parseRateLimitLimit, RateLimitTracker } from '../../src/pinterest/rate-limit.js';

describe('parseRateLimitLimit', () => {
    it('reads every quota of the structured header', () => {
        expect(parseRateLimitLimit('100, 100;w=1, 1000;w=60')).toEqual([
            { limit: 100 },
            { limit: 100, windowSeconds: 1 },
            { limit: 1000, windowSeconds: 60 },
        ]);
    });

    it('ignores named parameters and whitespace', () => {
        expect(parseRateLimitLimit('60;w=60;name="org_analytics_app_id_user_id"')).toEqual([{ limit: 60, windowSeconds: 60 }]);
        expect(parseRateLimitLimit(' 10 ;  w = 5 ')).toEqual([{ limit: 10, windowSeconds: 5 }]);
    });

    it('skips garbage instead of throwing', () => {
        expect(parseRateLimitLimit('lots, ;w=3, 5;w=soon, -1')).toEqual([{ limit: 5 }]);
        expect(parseRateLimitLimit(undefined)).toEqual([]);
        expect(parseRateLimitLimit(['7;w=60', '8'])).toEqual([{ limit: 7, windowSeconds: 60 }]);
    });
});

describe('looksLikeTrialQuota', () => {
    it('flags a daily window, not per-minute ones', () => {
        expect(looksLikeTrialQuota({ quotas: parseRateLimitLimit('1000, 1000;w=86400'), observedAt: 0 })).toBe(true);
        expect(looksLikeTrialQuota({ quotas: parseRateLimitLimit('100, 100;w=1, 1000;w=60'), observedAt: 0 })).toBe(false);
        expect(looksLikeTrialQuota(undefined)).toBe(false);
    });
});

describe('RateLimitTracker', () => {
    it('asks to wait until the reset only once the quota is spent', () => {
        let now = 1_000_000;
        const tracker = new RateLimitTracker(() => now);
        tracker.record('org_read', { 'x-ratelimit-limit': '1000;w=60', 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '20' });
        expect(tracker.waitBeforeNext('org_read')).toBe(0);

        tracker.record('org_read', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '20' });
        expect(tracker.waitBeforeNext('org_read')).toBe(20_000);
        expect(tracker.snapshot('org_read')?.quotas).toEqual([{ limit: 1000, windowSeconds: 60 }]);
        // Other categories have their own quotas.
        expect(tracker.waitBeforeNext('org_write')).toBe(0);

        now += 15_000;
        expect(tracker.waitBeforeNext('org_read')).toBe(5_000);
        now += 6_000;
        expect(tracker.waitBeforeNext('org_read')).toBe(0);
    });
});
