import { describe, expect, it } from 'vitest';

import { RateLimitTracker, RequestPacer } from '../../src/pinterest/rate-limit.js';

/** A clock that only moves when the pacer sleeps, so the schedule it makes can be read exactly. */
function fakeTime() {
    let now = 1_000_000;
    const sleeps: number[] = [];
    return {
        now: () => now,
        sleep: async (ms: number) => {
            sleeps.push(ms);
            now += ms;
        },
        advance: (ms: number) => (now += ms),
        sleeps,
    };
}

const headers = (limit: string, remaining: number, reset: number) => ({
    'x-ratelimit-limit': limit,
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': String(reset),
});

/** A fake clock, and a server-side fixed window that answers with Pinterest's headers and counts refusals. */
function fixedWindowServer(limit: number, windowSeconds: number) {
    const time = fakeTime();
    const tracker = new RateLimitTracker(time.now);
    const pacer = new RequestPacer(tracker, time.now, time.sleep);
    const windowMs = windowSeconds * 1000;
    const used = new Map<number, number>();
    let rejected = 0;
    const request = async () => {
        await pacer.waitTurn('org_analytics');
        const start = Math.floor(time.now() / windowMs) * windowMs;
        const count = (used.get(start) ?? 0) + 1;
        used.set(start, count);
        if (count > limit) rejected += 1;
        const reset = Math.max(1, Math.ceil((start + windowMs - time.now()) / 1000));
        tracker.record('org_analytics', headers(`${limit}, ${limit};w=${windowSeconds}`, Math.max(0, limit - count), reset));
        pacer.settled('org_analytics');
        time.advance(40);
    };
    return { request, now: time.now, rejected: () => rejected };
}

describe('RequestPacer', () => {
    it('sends 500 requests against 60 a minute without one refusal, at over 90 % of the quota', async () => {
        const server = fixedWindowServer(60, 60);
        const start = server.now();
        for (let i = 0; i < 500; i += 1) await server.request();
        expect(server.rejected()).toBe(0);
        const minutes = (server.now() - start) / 60_000;
        // 500 requests at 60 a minute need a little over 8 minutes; 90 % of the quota allows 9.26.
        expect(minutes).toBeGreaterThan(8);
        expect(minutes).toBeLessThan(500 / 60 / 0.9);
    });

    it('lets the first request of a category go alone, and the rest wait for its answer', async () => {
        const time = fakeTime();
        const tracker = new RateLimitTracker(time.now);
        const pacer = new RequestPacer(tracker, time.now, time.sleep);
        await pacer.waitTurn('org_write');
        let secondStarted = false;
        const second = pacer.waitTurn('org_write').then(() => (secondStarted = true));
        await Promise.resolve();
        expect(secondStarted).toBe(false);
        tracker.record('org_write', headers('60;w=60', 59, 60));
        pacer.settled('org_write');
        await second;
        expect(secondStarted).toBe(true);
    });

    it('spaces requests evenly a little under the announced limit, never bunching them', async () => {
        const time = fakeTime();
        const tracker = new RateLimitTracker(time.now);
        const pacer = new RequestPacer(tracker, time.now, time.sleep);
        tracker.record('org_write', headers('100, 100;w=1, 60;w=60', 59, 60));
        const starts: number[] = [];
        for (let i = 0; i < 5; i += 1) {
            await pacer.waitTurn('org_write');
            starts.push(time.now());
        }
        const gaps = starts.slice(1).map((start, index) => start - starts[index]!);
        // 60 a minute is one a second; the pacer keeps about 4 % under it.
        for (const gap of gaps) expect(gap).toBeCloseTo(1040, 0);
    });

    it('spreads what is left of a window over the time until it resets', async () => {
        const time = fakeTime();
        const tracker = new RateLimitTracker(time.now);
        const pacer = new RequestPacer(tracker, time.now, time.sleep);
        tracker.record('org_analytics', headers('60;w=60', 2, 30));
        await pacer.waitTurn('org_analytics');
        const first = time.now();
        await pacer.waitTurn('org_analytics');
        // Two left for 30 s: 15 s apart; the third waits for the reset.
        expect(time.now() - first).toBe(15_000);
        await pacer.waitTurn('org_analytics');
        expect(time.now() - first).toBeGreaterThanOrEqual(30_000);
    });

    it('does not pace a category whose quota it does not know yet beyond the single first request', async () => {
        const time = fakeTime();
        const pacer = new RequestPacer(new RateLimitTracker(time.now), time.now, time.sleep);
        await pacer.waitTurn('org_write');
        expect(time.sleeps).toEqual([]);
    });
});
