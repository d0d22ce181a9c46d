/**
 * Analytics beyond Pinterest's 90 days, end to end in both storage worlds: snapshot-analytics keeps the account's
 * days, counters and pins in a named store, get-account-analytics reads it back for older days, and get-pin-analytics
 * finds the pins this Actor published through the ledger's index. Time is moved, not waited for: the Actor reads its
 * clock from ACTOR_TEST_NOW and the emulator from the same offset (as in scheduling.test.ts), so 400 days pass in a
 * few seconds. Snapshots run in strides where the mechanism allows (a snapshot fills every day Pinterest still has),
 * daily where it matters (days rewritten until final), and with one gap longer than 90 days (days lost, and named).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CallKind } from '../apify-api/index.js';
import { type PinterestEmulator, startEmulator } from '../emulator/index.js';
import { ALL_SCOPES } from './fixture.js';
import { sumCharges } from './harness.js';
import { type Space, storageCalls, useWorld, WORLDS, type World } from './worlds.js';

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- dataset rows and records, probed field by field

const DAY = 86_400_000;
const HISTORY = 'pinterest-analytics-history';
const LEDGER = 'pinterest-pin-ledger';
/** Day 0 of the simulation, at the hour a daily Schedule would run. */
const START = Date.parse('2025-01-10T06:00:00Z');
const dateOf = (day: number) => new Date(START + day * DAY).toISOString().slice(0, 10);

describe.each(WORLDS)('%s world', (worldName) => {
    const world = useWorld(worldName);
    let emulator: PinterestEmulator;
    let offsetMs = 0;
    const clock = () => Date.now() + offsetMs;
    /** Both clocks at `ms` (they then run on at real speed); the env a run started now needs. */
    const at = (ms: number) => {
        offsetMs = ms - Date.now();
        return { ACTOR_TEST_NOW: new Date(clock()).toISOString() };
    };

    beforeAll(async () => {
        offsetMs = START - 30 * DAY - Date.now();
        emulator = await startEmulator({ now: clock });
    });
    afterAll(async () => emulator.close());

    /** A user whose pins were made long before the simulation, a token for the Actor and one for the test's own questions. */
    function seedAccount(username: string, pins = 6) {
        const { state } = emulator;
        const userId = state.createUser({ username, followerCount: 500, followingCount: 40, monthlyViews: 1000 }).id;
        const actorApp = state.createApp({});
        const testApp = state.createApp({});
        const token = state.issueTokens({ userId, appId: actorApp.appId, scopes: ALL_SCOPES, accessTokenTtlSec: 3 * 365 * 86_400 }).accessToken;
        const probe = state.issueTokens({ userId, appId: testApp.appId, scopes: ALL_SCOPES, accessTokenTtlSec: 3 * 365 * 86_400 }).accessToken;
        const boardId = state.createBoard(userId, { name: 'Garden ideas' }).id;
        const otherBoardId = state.createBoard(userId, { name: 'Kitchen' }).id;
        state.createPins(boardId, pins, (index) => ({ title: `Old pin ${index + 1}`, created_at: START - 900 * DAY }));
        return { userId, token, probe, boardId, otherBoardId };
    }

    /** What Pinterest answers for the account's days of a range, asked with the test's own token. */
    async function answerFor(probe: string, startDate: string, endDate: string): Promise<Map<string, { dataStatus: string; metrics: Row }>> {
        const url = new URL(`${emulator.baseUrl}/user_account/analytics`);
        url.searchParams.set('start_date', startDate);
        url.searchParams.set('end_date', endDate);
        const response = await fetch(url, { headers: { Authorization: `Bearer ${probe}` } });
        const body = (await response.json()) as Row;
        expect(response.status, JSON.stringify(body)).toBe(200);
        const camel = (name: string) => name.toLowerCase().replace(/_([a-z0-9])/g, (_match, next: string) => next.toUpperCase());
        return new Map(
            (body.all.daily_metrics as Row[]).map((day) => [
                day.date as string,
                {
                    dataStatus: day.data_status as string,
                    metrics: Object.fromEntries(Object.entries(day.metrics as Row).map(([name, value]) => [camel(name), value])),
                },
            ]),
        );
    }

    const snapshot = (space: Space, token: string, ms: number) =>
        space.run({ baseUrl: emulator.baseUrl, env: at(ms), payPerEvent: true, input: { mode: 'snapshot-analytics', accessToken: token } });

    /** The account's year records of the history store, merged: every day, counter and lost range it holds. */
    function storedHistory(space: Space) {
        const records = Object.entries(space.namedStore(HISTORY)).filter(([key]) => key.startsWith('account-'));
        return {
            keys: records.map(([key]) => key),
            days: Object.assign({}, ...records.map(([, record]) => (record as Row).days)) as Record<string, Row>,
            counters: Object.assign({}, ...records.map(([, record]) => (record as Row).counters)) as Record<string, Row>,
            lost: records.flatMap(([, record]) => (record as Row).lost as Row[]),
        };
    }

    function historyStoreCalls(world: World, kind?: CallKind) {
        const ids = [...world.api!.state.stores.values()].filter((store) => store.name === HISTORY).map((store) => store.id);
        return world.api!.calls.filter((call) => ids.some((id) => call.path.includes(`/${id}/`)) && (!kind || call.kind === kind));
    }

    it('a first snapshot backfills the last 90 days; a second the same day writes nothing', async () => {
        const account = seedAccount(`first${worldName}`);
        const space = world.newSpace();
        const day = START + 150 * DAY;
        const first = await snapshot(space, account.token, day);
        expect(first.exitCode, first.log).toBe(0);
        expect(first.items).toHaveLength(1);
        expect(sumCharges(first.charges, 'item-fetched')).toBe(1);
        const row = first.items[0] as Row;
        const today = new Date(day).toISOString().slice(0, 10);
        const windowStart = new Date(day - 89 * DAY).toISOString().slice(0, 10);
        expect(row).toMatchObject({
            type: 'analyticsSnapshot',
            fetchedStartDate: windowStart,
            fetchedEndDate: today,
            daysWritten: 90,
            daysFinal: 87,
            daysPending: 3,
            lostStartDate: null,
            historyFirstDate: windowStart,
            historyLastDate: today,
            followerCount: emulator.state.getAccount(account.userId)!.follower_count,
        });
        const stored = storedHistory(space);
        expect(Object.keys(stored.days)).toHaveLength(90);
        const answered = await answerFor(account.probe, windowStart, today);
        for (const [date, answer] of answered) expect(stored.days[date], date).toMatchObject(answer);
        expect(Object.keys(stored.counters)).toEqual([today]);

        world.api?.resetCalls();
        const before = space.namedStore(HISTORY);
        const second = await snapshot(space, account.token, day + 5 * 3_600_000);
        expect(second.exitCode, second.log).toBe(0);
        expect(second.items[0]).toMatchObject({ daysWritten: 0, recordsWritten: [] });
        expect(second.statusMessage).toContain('nothing new to store');
        expect(space.namedStore(HISTORY)).toEqual(before);
        if (world.api) expect(historyStoreCalls(world, 'kv.put')).toEqual([]);
    });

    it('400 days of snapshots, with a gap of 120 days: a year read back day by day as Pinterest answered it, within 20 storage calls', async () => {
        const account = seedAccount(`year${worldName}`);
        const space = world.newSpace();
        // Strides up to 75 days (each snapshot fills all Pinterest still has), one gap of 120 days (30 days lost), and
        // the last five days daily (days rewritten until Pinterest calls them final).
        const snapshotDays = [0, 30, 75, 120, 240, 300, 330, 360, 390, 395, 396, 397, 398, 399];
        const expectedDays = new Map<string, { dataStatus: string; metrics: Row }>();
        const expectedCounters = new Map<string, Row>();
        const rows: Row[] = [];
        for (const day of snapshotDays) {
            const run = await snapshot(space, account.token, START + day * DAY);
            expect(run.exitCode, run.log).toBe(0);
            rows.push(run.items[0] as Row);
            // What Pinterest answered that day for the days it still had: the last answer for a day is what the history must hold.
            for (const [date, answer] of await answerFor(account.probe, dateOf(day - 89), dateOf(day))) expectedDays.set(date, answer);
            const counted = emulator.state.getAccount(account.userId)!;
            expectedCounters.set(dateOf(day), {
                followerCount: counted.follower_count,
                followingCount: counted.following_count,
                monthlyViews: counted.monthly_views,
                pinCount: counted.pin_count,
                boardCount: counted.board_count,
            });
        }
        // The first snapshot backfilled 90 days; the gap from day 120 to day 240 lost the 30 days Pinterest no longer had.
        expect(rows[0]).toMatchObject({ fetchedStartDate: dateOf(-89), daysWritten: 90 });
        expect(rows[4]).toMatchObject({ fetchedStartDate: dateOf(151), lostStartDate: dateOf(121), lostEndDate: dateOf(150) });
        // Daily: the three days not final the day before are asked again, and two of them (and today) are written.
        for (const row of rows.slice(-4)) expect(row).toMatchObject({ fetchedStartDate: expect.any(String), daysWritten: 3, daysPending: 3 });

        const stored = storedHistory(space);
        expect(Object.keys(stored.days).sort()).toEqual([...expectedDays.keys()].sort());
        for (const [date, answer] of expectedDays) expect(stored.days[date], date).toMatchObject(answer);
        expect(stored.days[dateOf(396)]?.dataStatus).toBe('READY');
        expect(stored.days[dateOf(399)]?.dataStatus).toBe('PROCESSING');
        expect(stored.lost).toEqual([expect.objectContaining({ startDate: dateOf(121), endDate: dateOf(150) })]);
        for (const [date, counters] of expectedCounters) expect(stored.counters[date], date).toMatchObject(counters);
        expect(stored.keys.sort()).toEqual([expect.stringMatching(/-2024$/), expect.stringMatching(/-2025$/), expect.stringMatching(/-2026$/)]);

        // Day 400: the last 365 days, compared with the same days a year earlier.
        world.api?.resetCalls();
        const read = await space.run({
            baseUrl: emulator.baseUrl,
            env: at(START + 400 * DAY),
            payPerEvent: true,
            input: {
                mode: 'get-account-analytics',
                accessToken: account.token,
                startDate: dateOf(35),
                endDate: dateOf(399),
                compareTo: 'previousYear',
            },
        });
        expect(read.exitCode, read.log).toBe(0);
        const calls = world.api ? storageCalls(world) : 0;
        const windowStart = dateOf(400 - 89);
        const fresh = await answerFor(account.probe, windowStart, dateOf(399));
        const items = read.items as Row[];
        expect(items).toHaveLength(365 - 30);
        expect(sumCharges(read.charges, 'item-fetched')).toBe(365 - 30);
        for (const item of items) {
            const expected = item.date < windowStart ? expectedDays.get(item.date) : fresh.get(item.date);
            expect(item, item.date).toMatchObject({ ...expected, source: item.date < windowStart ? 'history' : 'pinterest' });
        }
        const dates = new Set(items.map((item) => item.date));
        for (let day = 35; day <= 399; day += 1) expect(dates.has(dateOf(day)), dateOf(day)).toBe(day < 121 || day > 150);
        // The days without numbers are named, with why.
        expect(read.statusMessage).toContain(`no numbers for ${dateOf(121)} to ${dateOf(150)} (no snapshot ran while Pinterest had them)`);
        const output = read.record('OUTPUT') as Row;
        expect(output.daysWithoutData).toEqual([
            { startDate: dateOf(121), endDate: dateOf(150), reason: 'NOT_SNAPSHOTTED', why: 'no snapshot ran while Pinterest had them' },
        ]);

        // A year earlier, the history has the days from its first backfill on: those are compared, day by day in order.
        const previousStart = '2024-02-14';
        expect(dateOf(35)).toBe('2025-02-14');
        let previousImpressions = 0;
        let paired = 0;
        for (let offset = 0; offset < 365; offset += 1) {
            const before = expectedDays.get(new Date(Date.parse(`${previousStart}T00:00:00Z`) + offset * DAY).toISOString().slice(0, 10));
            if (!before || !dates.has(dateOf(35 + offset))) continue;
            previousImpressions += before.metrics.impression;
            paired += 1;
        }
        // From the first snapshot's backfill (2024-10-13) to the end of the year before: 123 days.
        expect(paired).toBe(123);
        expect(output.comparison).toEqual({ startDate: previousStart, endDate: '2025-02-13', pairedDays: paired });
        const report = read.record('report.html') as string;
        expect(report).toMatch(new RegExp(`<div class="total" data-metric="impression">.*?data-previous="${previousImpressions}"`));
        expect(report).toContain('the same days a year earlier');
        // The growth lines have a point per snapshot in the range, at the counts Pinterest gave that day.
        const growth = /<figure class="chart growth" data-metric="followerCount"[\s\S]*?<\/figure>/.exec(report)?.[0] ?? '';
        const points = [...growth.matchAll(/data-date="([\d-]+)" data-value="(\d+)"/g)].map(([, date, value]) => [date, Number(value)]);
        expect(points).toEqual(snapshotDays.filter((day) => day >= 35).map((day) => [dateOf(day), expectedCounters.get(dateOf(day))!.followerCount]));
        expect(report).toContain('data-metric="monthlyViews"');
        // The month-by-month table: 13 months, the gap's months with the days they have.
        const months = [
            ...report.matchAll(/<tr data-month="([\d-]+)"><th scope="row">[^<]*<\/th><td class="num" data-metric="days">(\d+) of (\d+)<\/td>/g),
        ];
        expect(months).toHaveLength(13);
        expect(months.map(([, month]) => month)).toContain(dateOf(121).slice(0, 7));
        if (world.api) {
            expect(calls, JSON.stringify(world.api.callCounts())).toBeLessThanOrEqual(20);
            // Of which the history: one listing and one read per year (three years, with the year before).
            expect(historyStoreCalls(world, 'kv.keys')).toHaveLength(1);
            expect(historyStoreCalls(world, 'kv.get').length).toBeLessThanOrEqual(3);
        }
    });

    // The input check stores nothing: once, locally, is enough.
    it.runIf(worldName === 'local')(
        'without a history, an older start fails before any analytics request, pointing to snapshot-analytics',
        async () => {
            const account = seedAccount(`nohistory${worldName}`);
            emulator.resetRequests();
            const input = { mode: 'get-account-analytics', accessToken: account.token, startDate: dateOf(-200), endDate: dateOf(-1) };
            const run = await world.run({ baseUrl: emulator.baseUrl, env: at(START), payPerEvent: true, input });
            expect(run.exitCode).not.toBe(0);
            expect(run.statusMessage).toBe(
                `startDate (${dateOf(-200)}) is older than the 90 days Pinterest keeps, and key-value store "${HISTORY}" has no analytics history of this account from ${dateOf(-200)} to ${dateOf(-90)}: run mode snapshot-analytics daily from an Apify Schedule to keep analytics beyond 90 days (see the README, "Analytics beyond 90 days"), or set clampDateRange to true to start on ${dateOf(-89)} instead.`,
            );
            expect(emulator.requests.filter((request) => request.category === 'org_analytics')).toEqual([]);
            expect(run.charges).toEqual([]);
            const clamped = await world.run({ baseUrl: emulator.baseUrl, env: at(START), input: { ...input, clampDateRange: true } });
            expect(clamped.exitCode, clamped.log).toBe(0);
            expect(clamped.items).toHaveLength(89);
            expect((clamped.record('OUTPUT') as Row).warnings.join(' ')).toContain('the range starts on');
        },
    );

    it("publishedSince takes exactly the pins this Actor published, from the ledger's index, with board and publish time; groupBy board sums them", async () => {
        const account = seedAccount(`publisher${worldName}`);
        const space = world.newSpace();
        const create = (boardId: string, titles: string[], day: number) =>
            space.run({
                baseUrl: emulator.baseUrl,
                env: at(START + day * DAY),
                input: {
                    mode: 'create-pin',
                    accessToken: account.token,
                    pins: titles.map((title) => ({ boardId, pinTitle: title, imageUrl: `https://example.com/${encodeURIComponent(title)}.jpg` })),
                },
            });
        const first = await create(account.boardId, ['Tomato cages', 'Bean poles', 'Pea netting'], 10);
        const second = await create(account.otherBoardId, ['Herb jars', 'Spice rack'], 20);
        expect([first.exitCode, second.exitCode], first.log + second.log).toEqual([0, 0]);
        // A pin made on Pinterest itself, not by this Actor, and one this Actor published for another account into the same ledger.
        emulator.state.createPins(account.boardId, 1, { title: 'Made in the app', created_at: START + 15 * DAY });
        const neighbour = seedAccount(`neighbour${worldName}`, 0);
        const theirs = await space.run({
            baseUrl: emulator.baseUrl,
            env: at(START + 12 * DAY),
            input: {
                mode: 'create-pin',
                accessToken: neighbour.token,
                boardId: neighbour.boardId,
                pinTitle: 'Not mine',
                imageUrl: 'https://example.com/n.jpg',
            },
        });
        expect(theirs.exitCode, theirs.log).toBe(0);
        const createdIds = [...first.items, ...second.items].map((item) => item.id as string);
        expect(createdIds).toHaveLength(5);

        const index = Object.keys(space.namedStore(LEDGER))
            .filter((key) => key.startsWith('published-'))
            .filter((key) => !key.endsWith(`-${theirs.items[0]!.id as string}`));
        expect(index).toHaveLength(5);
        const published = new Map(
            index.map((key) => {
                const [, , time, boardId, pinId] = key.split('-');
                return [pinId, { boardId, publishedAt: new Date(Number(time)).toISOString() }];
            }),
        );

        const analyse = (extra: Record<string, unknown>) =>
            space.run({
                baseUrl: emulator.baseUrl,
                env: at(START + 25 * DAY),
                payPerEvent: true,
                input: { mode: 'get-pin-analytics', accessToken: account.token, ...extra },
            });
        const all = await analyse({ publishedSince: dateOf(10), groupBy: 'board' });
        expect(all.exitCode, all.log).toBe(0);
        const pinRows = all.items.filter((item) => item.type === 'pinAnalytics') as Row[];
        expect(pinRows.map((row) => row.pinId).sort()).toEqual([...createdIds].sort());
        for (const row of pinRows) expect(row).toMatchObject({ ...published.get(row.pinId), hasData: true });
        // One free summary row per board, the sum of its pins' rows.
        const boardRows = all.items.filter((item) => item.type === 'boardAnalytics') as Row[];
        expect(boardRows.map((row) => [row.boardName, row.pins])).toEqual(
            expect.arrayContaining([
                ['Garden ideas', 3],
                ['Kitchen', 2],
            ]),
        );
        for (const board of boardRows) {
            const impressions = pinRows.filter((row) => row.boardId === board.boardId).reduce((sum, row) => sum + row.summary.impression, 0);
            expect(board.summary.impression).toBe(impressions);
        }
        expect(sumCharges(all.charges, 'item-fetched')).toBe(5);
        expect(all.statusMessage).toContain(`5 pins published since ${dateOf(10)}`);
        const report = all.record('report.html') as string;
        expect(report).toContain('<section class="boards"');
        expect([...report.matchAll(/<tr data-board-id="(\d+)">/g)].map(([, id]) => id).sort()).toEqual(boardRows.map((row) => row.boardId).sort());

        const later = await analyse({ publishedSince: dateOf(15) });
        expect(later.items.map((item) => item.pinId).sort()).toEqual(second.items.map((item) => item.id).sort());
        const window = await analyse({ publishedSince: dateOf(10), publishedUntil: dateOf(15), boardName: 'garden ideas' });
        expect(window.items.map((item) => item.pinId).sort()).toEqual(first.items.map((item) => item.id).sort());

        // The snapshot keeps the published pins' counters, with their board and publish time.
        const snap = await snapshot(space, account.token, START + 25 * DAY);
        expect(snap.exitCode, snap.log).toBe(0);
        expect(snap.items[0]).toMatchObject({ publishedPins: 5 });
        const pins = Object.entries(space.namedStore(HISTORY)).find(([key]) => key.startsWith('pins-'))?.[1] as Row;
        for (const id of createdIds) {
            expect(pins.pins[id]).toMatchObject({ boardId: published.get(id)?.boardId, publishedAt: Date.parse(published.get(id)!.publishedAt) });
            expect(pins.pins[id].days[dateOf(25)]).toHaveLength(pins.columns.length);
        }
        expect(pins.columns).toEqual(expect.arrayContaining(['last90Days.impression', 'lifetime.comment']));
    });
});
