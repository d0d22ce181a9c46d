import { describe, expect, it } from 'vitest';

import type { RateLimitCategory } from '../../src/pinterest/operations.js';
import { Pacer } from '../../src/pinterest/pacing.js';
import { RateLimitTracker } from '../../src/pinterest/rate-limit.js';

/** A fake clock, and a server-side fixed window that answers like Pinterest's headers. */
function simulation(limit: number, windowSeconds: number) {
    let now = 960_000; // the start of a minute, so windows line up with the numbers below
    const slept: number[] = [];
    const tracker = new RateLimitTracker(() => now);
    const pacer = new Pacer((category) => tracker.snapshot(category), () => now, async (ms) => {
        slept.push(ms);
        now += ms;
    });
    const windowMs = windowSeconds * 1000;
    const used = new Map<number, number>();
    let rejected = 0;
    /** One request in `category`: paced, then counted in its window, then its headers recorded. */
    const request = async (category: RateLimitCategory = 'org_analytics') => {
        await pacer.beforeRequest(category);
        const start = Math.floor(now / windowMs) * windowMs;
        const count = (used.get(start) ?? 0) + 1;
        used.set(start, count);
        if (count > limit) rejected += 1;
        const remaining = Math.max(0, limit - count);
        const reset = Math.max(1, Math.ceil((start + windowMs - now) / 1000));
        tracker.record(category, { 'x-ratelimit-limit': `${limit}, ${limit};w=${windowSeconds}`, 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(reset) });
        now += 40; // the request itself takes a little time
    };
    return { request, slept, rejected: () => rejected, now: () => now, tracker, pacer };
}

describe('Pacer', () => {
    it('sends 500 analytics requests against 60 a minute without one rejection, close to the quota', async () => {
        const sim = simulation(60, 60);
        const start = sim.now();
        for (let i = 0; i < 500; i += 1) await sim.request();
        expect(sim.rejected()).toBe(0);
        const minutes = (sim.now() - start) / 60_000;
        // 500 requests need at least 8 full windows after the first; pacing should not waste many more.
        expect(minutes).toBeGreaterThan(8);
        expect(minutes).toBeLessThan(9.5);
    });

    it('bursts while plenty remains and spreads the last requests over the time to the reset', async () => {
        const sim = simulation(60, 60);
        for (let i = 0; i < 54; i += 1) await sim.request();
        expect(sim.slept).toEqual([]);
        await sim.request();
        expect(sim.slept.length).toBe(1);
        const reset = sim.tracker.snapshot('org_analytics');
        expect(reset?.remaining).toBe(5);
        // The next waits are about a fifth of the time left each.
        const delay = sim.pacer.delayBefore('org_analytics');
        expect(delay).toBeGreaterThan(9_000);
        expect(delay).toBeLessThan(13_000);
    });

    it('leaves categories it was not asked to pace alone, and waits for nothing it knows nothing about', async () => {
        const sim = simulation(5, 60);
        for (let i = 0; i < 5; i += 1) await sim.request('org_read');
        expect(sim.pacer.delayBefore('org_read')).toBe(0);
        expect(sim.pacer.delayBefore('org_analytics')).toBe(0);
    });

    it('does not spread over a daily window', () => {
        const tracker = new RateLimitTracker(() => 0);
        tracker.record('org_analytics', { 'x-ratelimit-limit': '1000, 1000;w=86400', 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '40000' });
        const pacer = new Pacer((category) => tracker.snapshot(category), () => 0, async () => undefined);
        expect(pacer.delayBefore('org_analytics')).toBe(0);
    });

    it('is category-generic: org_write can be paced the same way', async () => {
        let now = 0;
        const tracker = new RateLimitTracker(() => now);
        const pacer = new Pacer((category) => tracker.snapshot(category), () => now, async (ms) => void (now += ms), { categories: ['org_write'] });
        tracker.record('org_write', { 'x-ratelimit-limit': '10, 10;w=10', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '4' });
        expect(pacer.delayBefore('org_write')).toBe(4000);
        await pacer.beforeRequest('org_write');
        expect(now).toBe(4000);
    });
});
