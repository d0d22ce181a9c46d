import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { analyticsSettings, type PinterestEmulator, startEmulator } from '../emulator/index.js';
import { pinDailyMetrics, pinLifetimeMetrics } from '../emulator/analytics.js';
import { type AnalyticsAccount, seedAnalyticsAccount, startImageServer, utcDate } from './analytics-fixture.js';
import { sumCharges } from './harness.js';
import { useWorld, WORLDS } from './worlds.js';

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- dataset rows, probed field by field

describe.each(WORLDS)('%s world', (worldName) => {
    const world = useWorld(worldName);
    let emulator: PinterestEmulator;
    let images: Awaited<ReturnType<typeof startImageServer>>;
    let many: AnalyticsAccount;
    let few: AnalyticsAccount;

    beforeAll(async () => {
        // A small org_analytics quota, so that pacing one request per pin is exercised in a few seconds, not minutes. Its
        // window is ten seconds, long as Pinterest's minute is compared with the whole seconds of X-RateLimit-Reset, so the
        // pacer steers by what is left of it, whatever the machine's load does to the requests' timing.
        emulator = await startEmulator({
            rateLimits: {
                standard: {
                    org_read: [{ limit: 1000, windowSec: 60 }],
                    org_write: [{ limit: 100, windowSec: 60 }],
                    org_analytics: [{ limit: 40, windowSec: 10 }],
                },
            },
        });
        images = await startImageServer();
        many = seedAnalyticsAccount(emulator, images, { pins: 230, username: 'manypins' });
        few = seedAnalyticsAccount(emulator, images, { pins: 10, videoPins: 2, username: 'fewpins' });
    });
    afterAll(async () => {
        await emulator.close();
        await images.close();
    });

    const analyticsRequests = (path: RegExp, startDate?: string) =>
        emulator.requests.filter((request) => path.test(request.path) && (!startDate || request.query.start_date === startDate));
    const MULTI = /^\/v5\/pins\/analytics$/;
    const PER_PIN = /^\/v5\/pins\/\d+\/analytics$/;

    describe('get-pin-analytics', () => {
        it('fetches 230 pins with at most ceil(230/100) multi-pin requests and charges one item per pin', async () => {
            emulator.resetRequests();
            const startDate = utcDate(-14);
            const endDate = utcDate(-1);
            const run = await world.run({
                baseUrl: emulator.baseUrl,
                input: { mode: 'get-pin-analytics', accessToken: many.token, boardId: many.boardId, maxItems: 230, startDate, endDate },
                payPerEvent: true,
                timeoutMs: 60_000,
            });
            expect(run.exitCode, run.log).toBe(0);
            expect(run.items).toHaveLength(230);
            expect(sumCharges(run.charges, 'item-fetched')).toBe(230);
            expect(analyticsRequests(MULTI, startDate).length).toBeLessThanOrEqual(Math.ceil(230 / 100));
            expect(analyticsRequests(PER_PIN)).toHaveLength(0);
            expect(emulator.requests.filter((request) => request.status === 429)).toHaveLength(0);
            expect(new Set(run.items.map((item) => item.fetchedWith))).toEqual(new Set(['multiPin']));
            expect(run.statusMessage).toContain('with the multi-pin endpoint');
            const output = run.record('OUTPUT') as Row;
            expect(output).toMatchObject({
                status: 'succeeded',
                report: 'report.html',
                startDate,
                endDate,
                multiPinAccess: true,
                counts: { fetched: 230 },
            });
            expect(run.record('report.html')).toContain('Top 100 of 230 pins by impressions');
        });

        // Pacing against Pinterest's limit, with nothing stored on the way but the rows: once, locally, is enough.
        it.runIf(worldName === 'local')(
            'falls back to one request per pin when multi-pin analytics is restricted, paced so that no 429 comes back',
            async () => {
                emulator.resetRequests();
                emulator.resetRateLimits();
                analyticsSettings(emulator.state).multiPinDeniedApps.add(few.appId);
                try {
                    const run = await world.run({
                        baseUrl: emulator.baseUrl,
                        input: { mode: 'get-pin-analytics', accessToken: few.token, maxItems: 10 },
                        timeoutMs: 60_000,
                    });
                    expect(run.exitCode, run.log).toBe(0);
                    expect(run.items).toHaveLength(10);
                    // The restricted answer once (the path is then closed for the run), then one request per pin.
                    expect(analyticsRequests(MULTI).map((request) => request.status)).toEqual([401]);
                    expect(analyticsRequests(PER_PIN)).toHaveLength(10);
                    expect(new Set(analyticsRequests(PER_PIN).map((request) => request.path)).size).toBe(10);
                    expect(emulator.requests.filter((request) => request.status === 429)).toHaveLength(0);
                    expect(run.items.every((item) => item.fetchedWith === 'perPin')).toBe(true);
                    expect(run.log).toContain('no access to multi-pin analytics');
                    expect(run.statusMessage).toContain('one request per pin');
                } finally {
                    analyticsSettings(emulator.state).multiPinDeniedApps.clear();
                }
            },
        );

        it('carries on after a restart without storing or charging a pin twice, and still reports on every pin', async () => {
            emulator.resetRequests();
            emulator.resetRateLimits();
            analyticsSettings(emulator.state).multiPinDeniedApps.add(few.appId);
            try {
                const space = world.newSpace();
                const input = { mode: 'get-pin-analytics', accessToken: few.token, boardId: few.boardId, maxItems: 10, skipPreflight: true };
                // The fourth pin's answer is held back, so the kill lands while the run waits, after three stored pins
                // (locally, storage is written to disk in the background: a kill mid-write is not what is tested here).
                emulator.injectFault({ kind: 'slow', delayMs: 10_000, match: { method: 'GET', path: PER_PIN }, skip: 3 });
                const killed = await space.run({
                    baseUrl: emulator.baseUrl,
                    payPerEvent: true,
                    input,
                    // Killed only once three rows are stored whole and the fourth request waits: local storage writes files
                    // in the background, and a kill in the middle of one is not what is tested here.
                    killWhen: (run) => emulator.requestsTo('GET', PER_PIN).length >= 4 && run.charges().length >= 3 && run.items().length >= 3,
                    timeoutMs: 60_000,
                });
                emulator.clearFaults();
                expect(killed.exitCode).toBeNull();
                expect(killed.items).toHaveLength(3);

                const resumed = await space.restart(killed, { baseUrl: emulator.baseUrl, payPerEvent: true, input, timeoutMs: 60_000 });
                expect(resumed.exitCode, resumed.log).toBe(0);
                const ids = resumed.items.map((item) => item.pinId);
                expect(ids).toHaveLength(10);
                expect(new Set(ids).size).toBe(10);
                expect(sumCharges(resumed.charges, 'item-fetched')).toBe(10);
                expect(resumed.record('report.html')).toContain('10 pins of board');
                expect(emulator.requests.filter((request) => request.status === 429)).toHaveLength(0);
            } finally {
                analyticsSettings(emulator.state).multiPinDeniedApps.clear();
            }
        });

        it('returns summary, lifetime and daily numbers that agree with each other and with Pinterest, video metrics for video pins', async () => {
            emulator.resetRequests();
            const startDate = utcDate(-30);
            const endDate = utcDate(-1);
            const run = await world.run({
                baseUrl: emulator.baseUrl,
                input: { mode: 'get-pin-analytics', accessToken: few.token, pinIds: few.pinIds.slice(0, 4), startDate, endDate },
            });
            expect(run.exitCode, run.log).toBe(0);
            expect(run.items).toHaveLength(4);
            for (const item of run.items as Row[]) {
                const video = few.pinIds.indexOf(item.pinId) < 2;
                expect(item.mediaType).toBe(video ? 'video' : 'image');
                expect(item.daily).toHaveLength(30);
                const expected = (key: string) =>
                    item.daily.reduce((sum: number, day: Row) => sum + (pinDailyMetrics(item.pinId, day.date, video)[key] ?? 0), 0);
                for (const [camel, name] of [
                    ['impression', 'IMPRESSION'],
                    ['save', 'SAVE'],
                    ['pinClick', 'PIN_CLICK'],
                    ['outboundClick', 'OUTBOUND_CLICK'],
                ]) {
                    const daily = item.daily.reduce((sum: number, day: Row) => sum + day.metrics[camel as string], 0);
                    expect(item.summary[camel as string], camel).toBe(daily);
                    expect(daily, camel).toBe(expected(name as string));
                }
                expect(item.lifetime).toEqual({
                    totalComments: pinLifetimeMetrics(item.pinId).TOTAL_COMMENTS,
                    totalReactions: pinLifetimeMetrics(item.pinId).TOTAL_REACTIONS,
                });
                expect(item.summary.totalComments).toBeUndefined();
                expect(item.saveRate).toBeCloseTo(item.summary.save / item.summary.impression, 5);
                expect(item.clickThroughRate).toBeCloseTo(item.summary.pinClick / item.summary.impression, 5);
                expect(item.outboundClickRate).toBeCloseTo(item.summary.outboundClick / item.summary.impression, 5);
                expect(item.summary.videoStart !== undefined).toBe(video);
                expect(item.daily.at(-1).dataStatus).toBe('PROCESSING');
                expect(item).toMatchObject({ type: 'pinAnalytics', startDate, endDate, url: `https://www.pinterest.com/pin/${item.pinId}/` });
            }
        });

        // The input check stores nothing: once, locally, is enough.
        it.runIf(worldName === 'local')('rejects a range older than 90 days before any request, naming the limit', async () => {
            emulator.resetRequests();
            const run = await world.run({
                baseUrl: emulator.baseUrl,
                input: { mode: 'get-pin-analytics', accessToken: few.token, startDate: utcDate(-120), endDate: utcDate(-100) },
            });
            expect(run.exitCode).not.toBe(0);
            expect(run.statusMessage).toMatch(/startDate \(\d{4}-\d{2}-\d{2}\) must be within the last 90 days, on or after/);
            expect(emulator.requests).toHaveLength(0);
            const backwards = await world.run({
                baseUrl: emulator.baseUrl,
                input: { mode: 'get-pin-analytics', accessToken: few.token, startDate: utcDate(-3), endDate: utcDate(-9) },
            });
            expect(backwards.statusMessage).toContain('must not be before startDate');
            expect(emulator.requests).toHaveLength(0);
        });

        it('clamps the range with a warning when asked to', async () => {
            emulator.resetRequests();
            const run = await world.run({
                baseUrl: emulator.baseUrl,
                input: {
                    mode: 'get-pin-analytics',
                    accessToken: few.token,
                    pinIds: [few.pinIds[5]],
                    startDate: utcDate(-150),
                    endDate: utcDate(3),
                    clampDateRange: true,
                },
            });
            expect(run.exitCode, run.log).toBe(0);
            expect(run.items[0]).toMatchObject({ startDate: utcDate(-89), endDate: utcDate(0) });
            expect(analyticsRequests(MULTI)[0]?.query).toMatchObject({ start_date: utcDate(-89), end_date: utcDate(0) });
            const output = run.record('OUTPUT') as Row;
            expect(output.warnings.join(' ')).toContain('older than the 90 days Pinterest keeps');
            expect(output.warnings.join(' ')).toContain('is in the future');
            expect(run.record('report.html')).toContain('Pinterest keeps only 90 days');
        });

        it('quick: uses the pin list with pin_metrics, without analytics requests', async () => {
            emulator.resetRequests();
            const run = await world.run({
                baseUrl: emulator.baseUrl,
                input: { mode: 'get-pin-analytics', accessToken: few.token, boardId: few.boardId, quick: true },
            });
            expect(run.exitCode, run.log).toBe(0);
            expect(run.items).toHaveLength(10);
            expect(emulator.requests.filter((request) => request.category === 'org_analytics')).toHaveLength(0);
            expect(emulator.requestsTo('GET', `/v5/boards/${few.boardId}/pins`)[0]?.query.pin_metrics).toBe('true');
            expect(run.items[0]).toMatchObject({ fetchedWith: 'pinList', daily: [] });
            expect(Object.keys((run.items[0] as Row).summary)).toContain('impression');
        });
    });

    describe('get-pin-analytics by board name', () => {
        it("finds the board by its name, listing the boards once, and reads that board's pins only", async () => {
            emulator.resetRequests();
            const run = await world.run({
                baseUrl: emulator.baseUrl,
                input: { mode: 'get-pin-analytics', accessToken: few.token, boardName: 'garden IDEAS', quick: true, skipPreflight: true },
            });
            expect(run.exitCode, run.log).toBe(0);
            expect(run.items).toHaveLength(10);
            expect(emulator.requestsTo('GET', '/v5/boards')).toHaveLength(1);
            expect(emulator.requestsTo('GET', `/v5/boards/${few.boardId}/pins`)).toHaveLength(1);
            expect(emulator.requestsTo('GET', '/v5/pins')).toHaveLength(0);
            expect(run.log).toContain(`Found 10 pins on board "garden IDEAS" (${few.boardId}).`);
        });
    });

    describe('get-account-analytics', () => {
        it('stores one row per day, the top pins and a report comparing with the period before', async () => {
            emulator.resetRequests();
            const startDate = utcDate(-28);
            const endDate = utcDate(-1);
            const run = await world.run({
                baseUrl: emulator.baseUrl,
                input: { mode: 'get-account-analytics', accessToken: few.token, startDate, endDate, sortBy: 'SAVE', topPinsCount: 5 },
                payPerEvent: true,
            });
            expect(run.exitCode, run.log).toBe(0);
            expect(run.items).toHaveLength(28);
            expect(sumCharges(run.charges, 'item-fetched')).toBe(28);
            expect(run.items.map((item) => item.date)).toEqual(Array.from({ length: 28 }, (_, index) => utcDate(-28 + index)));
            const first = run.items[0] as Row;
            expect(first).toMatchObject({ type: 'accountAnalytics', split: 'all', dataStatus: 'READY' });
            const expectedImpressions = few.pinIds.reduce((sum, id, index) => sum + (pinDailyMetrics(id, startDate, index < 2).IMPRESSION ?? 0), 0);
            expect(first.metrics.impression).toBe(expectedImpressions);
            expect(Object.keys(first.metrics)).toEqual(
                expect.arrayContaining(['impression', 'save', 'pinClick', 'outboundClick', 'engagement', 'saveRate']),
            );
            expect((run.items.at(-1) as Row).dataStatus).toBe('PROCESSING');

            const topPins = run.record('top-pins') as Row[];
            expect(topPins).toHaveLength(5);
            expect(topPins.map((pin) => pin.rank)).toEqual([1, 2, 3, 4, 5]);
            const saves = topPins.map((pin) => pin.metrics.save);
            expect([...saves].sort((a, b) => b - a)).toEqual(saves);
            expect(topPins[0]?.title).toMatch(/\d+$/);
            // The range, its top pins, and the 28 days before for the comparison.
            expect(emulator.requestsTo('GET', '/v5/user_account/analytics').map((request) => request.query.start_date)).toEqual([
                startDate,
                utcDate(-56),
            ]);
            const output = run.record('OUTPUT') as Row;
            expect(output).toMatchObject({ status: 'succeeded', report: 'report.html', topPins: 'top-pins', counts: { fetched: 28, topPins: 5 } });
            expect(run.record('report.html')).toEqual(expect.stringContaining('<html'));
        });

        it('splits by app type when asked, one row per day and split value', async () => {
            const run = await world.run({
                baseUrl: emulator.baseUrl,
                input: {
                    mode: 'get-account-analytics',
                    accessToken: few.token,
                    startDate: utcDate(-7),
                    endDate: utcDate(-1),
                    splitField: 'APP_TYPE',
                },
            });
            expect(run.exitCode, run.log).toBe(0);
            expect(run.items).toHaveLength(21);
            expect(new Set(run.items.map((item) => item.split))).toEqual(new Set(['MOBILE', 'TABLET', 'WEB']));
        });
    });
});
