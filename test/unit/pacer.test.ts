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

const headers = (limit: string, remaining: number, reset: number) => ({ 'x-ratelimit-limit': limit, 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(reset) });

describe('RequestPacer', () => {
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
