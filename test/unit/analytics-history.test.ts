import { describe, expect, it } from 'vitest';

import { accountDays, comparePeriods, type PeriodDays } from '../../src/analytics/account-days.js';
import { datesOf, type DateRange, previousYear, yearEarlier } from '../../src/analytics/dates.js';
import { AnalyticsHistory, missingRanges } from '../../src/analytics/history.js';
import { pinsById } from '../../src/analytics/pin-analytics.js';
import { accountReportData } from '../../src/analytics/report-data.js';
import { buildReport } from '../../src/analytics/report/report.js';
import { takeSnapshot } from '../../src/analytics/snapshot.js';
import type { AccountAnalyticsItem } from '../../src/output/analytics-items.js';
import type { ApiSplitMetrics, ApiTopPins } from '../../src/pinterest/analytics-schemas.js';
import type { ListPage } from '../../src/pinterest/client.js';
import { PinterestError } from '../../src/pinterest/errors.js';
import { OPERATIONS } from '../../src/pinterest/operations.js';
import type { Account, Pin } from '../../src/pinterest/schemas.js';
import { RecordCorruptError } from '../../src/storage/records.js';
import { memoryNamedStore } from '../../src/storage/memory-store.js';
import { hookedStore, silentLog } from './support/fakes.js';

const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A Pinterest whose account has 100 impressions plus the day of the month, the last two days processing. */
function fakePinterest(nowMs: () => number) {
    const calls: Array<{ startDate: string; endDate: string }> = [];
    const status = (date: string) => {
        const age = (Date.parse(dayOf(nowMs())) - Date.parse(date)) / DAY;
        return age <= 1 ? 'PROCESSING' : age === 2 ? 'ESTIMATE' : 'READY';
    };
    const pins: Pin[] = [1, 2, 3].map(
        (n) =>
            ({
                id: `84500000000000000${n}`,
                pin_metrics: { '90d': { impression: n * 10 }, lifetime_metrics: { impression: n * 100, comment: n } },
            }) as Pin,
    );
    return {
        calls,
        pinCalls: { get: 0, list: 0 },
        async getAccountAnalytics(query: { startDate: string; endDate: string }): Promise<ApiSplitMetrics> {
            calls.push({ startDate: query.startDate, endDate: query.endDate });
            return {
                all: {
                    daily_metrics: datesOf(query).map((date) => ({
                        date,
                        data_status: status(date),
                        metrics: { IMPRESSION: 100 + Number(date.slice(8)), SAVE: 3 },
                    })),
                    summary_metrics: {},
                },
            };
        },
        async getTopPins(): Promise<ApiTopPins> {
            return { pins: [{ pin_id: '845000000000000003', metrics: { IMPRESSION: 30 } }], skippedPins: 0 };
        },
        async getPin(id: string): Promise<Pin> {
            this.pinCalls.get += 1;
            const pin = pins.find((each) => each.id === id);
            if (!pin) throw new PinterestError({ kind: 'not-found', operation: OPERATIONS.getPin, status: 404 });
            return pin;
        },
        async *listPins(): AsyncGenerator<ListPage<Pin>> {
            this.pinCalls.list += 1;
            yield { items: pins, nextBookmark: null };
        },
    };
}

const account = {
    id: '702000000000000001',
    username: 'jane',
    follower_count: 10,
    following_count: 2,
    monthly_views: 500,
    pin_count: 3,
    board_count: 1,
} as Account;

function setup(start: string) {
    let now = Date.parse(`${start}T06:00:00Z`);
    const records = new Map<string, string>();
    const writes: string[] = [];
    const store = hookedStore(memoryNamedStore('history', records), ({ kind, key }) => void (kind === 'set' && writes.push(key)));
    const client = fakePinterest(() => now);
    const snap = (extra: Partial<Parameters<typeof takeSnapshot>[0]> = {}) =>
        takeSnapshot({
            client,
            history: new AnalyticsHistory(store, 'abc123abc123', { id: account.id ?? null, username: 'jane' }),
            account,
            publishedPins: [{ pinId: '845000000000000001', boardId: '549755885175', publishedAt: now - 5 * DAY }],
            topPinsCount: 5,
            now: () => now,
            log: silentLog(),
            ...extra,
        });
    return { store, records, writes, client, snap, moveTo: (date: string) => (now = Date.parse(`${date}T06:00:00Z`)) };
}

describe('snapshots', () => {
    it('backfill 90 days first, then ask only for what is missing or not final, and write nothing twice', async () => {
        const { snap, writes, client, moveTo } = setup('2026-03-10');
        const first = await snap();
        expect(first).toMatchObject({ fetched: { startDate: '2025-12-11', endDate: '2026-03-10' }, daysWritten: 90, daysFinal: 87, daysPending: 3 });
        expect(writes.sort()).toEqual(['account-abc123abc123-2025', 'account-abc123abc123-2026', 'pins-abc123abc123-2026-03']);

        writes.length = 0;
        const again = await snap();
        expect(again).toMatchObject({ daysWritten: 0, countersWritten: false, recordsWritten: [] });
        expect(writes).toEqual([]);

        moveTo('2026-03-11');
        const next = await snap();
        // The three days not final yesterday and today: 2026-03-08 became final, 03-09 an estimate, 03-10 still processing.
        expect(next.fetched).toEqual({ startDate: '2026-03-08', endDate: '2026-03-11' });
        expect(next).toMatchObject({ daysWritten: 3, countersWritten: true });
        expect(client.calls.at(-1)).toEqual({ startDate: '2026-03-08', endDate: '2026-03-11' });
    });

    it('after a gap longer than 90 days, record the lost days in the records of the years they fall in', async () => {
        const { snap, records, moveTo } = setup('2025-10-01');
        await snap();
        moveTo('2026-04-15');
        const result = await snap();
        expect(result.lost).toEqual({ startDate: '2025-10-02', endDate: '2026-01-15' });
        const year = (key: string) => JSON.parse(records.get(key) ?? '{}') as { lost: Array<{ startDate: string; endDate: string }> };
        expect(year('account-abc123abc123-2025').lost).toEqual([expect.objectContaining({ startDate: '2025-10-02', endDate: '2025-12-31' })]);
        expect(year('account-abc123abc123-2026').lost).toEqual([expect.objectContaining({ startDate: '2026-01-01', endDate: '2026-01-15' })]);
        expect(result).toMatchObject({ firstDay: '2025-07-04', lastDay: '2026-04-15' });
    });

    it('stop at a damaged record rather than overwrite the history it holds', async () => {
        const { snap, records } = setup('2026-03-10');
        records.set('account-abc123abc123-2026', JSON.stringify({ version: 1, year: 2026, days: 'oops' }));
        await expect(snap()).rejects.toThrow(RecordCorruptError);
        await expect(snap()).rejects.toThrow('analytics history record account-abc123abc123-2026 in key-value store "history" is damaged');
    });

    it("keep the published and top pins' counters in the month's record, one row of numbers per pin and day", async () => {
        const { snap, records } = setup('2026-03-10');
        const result = await snap();
        expect(result).toMatchObject({ pinsRecorded: 2, pinsMissing: 0, topPins: 1 });
        const pins = JSON.parse(records.get('pins-abc123abc123-2026-03') ?? '{}');
        expect(pins.columns).toEqual(['last90Days.impression', 'lifetime.impression', 'lifetime.comment']);
        expect(pins.pins['845000000000000001']).toEqual({
            boardId: '549755885175',
            publishedAt: Date.parse('2026-03-05T06:00:00Z'),
            days: { '2026-03-10': [10, 100, 1] },
        });
        expect(pins.pins['845000000000000003']).toMatchObject({ boardId: null, publishedAt: null, days: { '2026-03-10': [30, 300, 3] } });
        expect(pins.topPins['2026-03-10']).toEqual({
            startDate: '2026-02-08',
            endDate: '2026-03-09',
            sortBy: 'IMPRESSION',
            pinIds: ['845000000000000003'],
        });
    });
});

describe('pins by id', () => {
    it('list the account when that costs fewer requests, else ask pin by pin, and say which are gone', async () => {
        const client = fakePinterest(() => 0);
        const ids = ['845000000000000001', '845000000000000002', '845000000000000009'];
        const listed = await pinsById(client, ids, { accountPinCount: 3 });
        expect(client.pinCalls).toEqual({ get: 0, list: 1 });
        expect(listed.missing).toEqual(['845000000000000009']);
        const asked = await pinsById(client, ids.slice(0, 1), { accountPinCount: 600 });
        expect(client.pinCalls).toEqual({ get: 1, list: 1 });
        expect([...asked.pins.keys()]).toEqual(['845000000000000001']);
    });
});

describe('reading the history back', () => {
    const row = (date: string, impression: number): AccountAnalyticsItem => ({
        type: 'accountAnalytics',
        date,
        dataStatus: 'READY',
        split: 'all',
        source: 'history',
        storedAt: null,
        metrics: { impression },
    });
    const period = (range: DateRange, present: (date: string) => boolean, value = 10): PeriodDays => ({
        range,
        rows: datesOf(range)
            .filter(present)
            .map((date) => row(date, value)),
        fromHistory: 0,
        fromPinterest: 0,
        missing: [],
    });

    it('takes the older days from the history and the rest from Pinterest, naming the days neither has', async () => {
        const { snap, store, moveTo, client } = setup('2026-01-20');
        await snap();
        moveTo('2026-06-01');
        const history = new AnalyticsHistory(store, 'abc123abc123', { id: null, username: null });
        await history.load([2025, 2026]);
        const range = { startDate: '2025-10-01', endDate: '2026-05-31' };
        const days = await accountDays(range, { client, query: { metricTypes: ['IMPRESSION'] }, history, nowMs: Date.parse('2026-06-01T06:00:00Z') });
        expect(client.calls.at(-1)).toEqual({ startDate: '2026-03-04', endDate: '2026-05-31' });
        expect(days.missing).toEqual([
            { startDate: '2025-10-01', endDate: '2025-10-22', reason: 'HISTORY_NOT_STARTED' },
            { startDate: '2026-01-21', endDate: '2026-03-03', reason: 'NOT_SNAPSHOTTED' },
        ]);
        expect(days.fromHistory).toBe(90);
        expect(days.fromPinterest).toBe(89);
        expect(days.rows[0]).toMatchObject({ date: '2025-10-23', source: 'history', metrics: { impression: 123 } });
        expect(Object.keys(days.rows[0]?.metrics ?? {})).toEqual(['impression']);
        expect(days.summary).toBeUndefined();
    });

    it('compares day by day, on the days both periods have, and says so', () => {
        const range = { startDate: '2026-01-01', endDate: '2026-01-10' };
        const before = previousYear(range);
        const complete = comparePeriods(
            period(range, () => true),
            { ...period(before, () => true, 4), summary: { impression: 41 } },
        );
        expect(complete).toEqual({ range: before, totals: { impression: 41 }, pairedDays: 10, days: 10 });
        const partial = comparePeriods(
            period(range, (date) => date !== '2026-01-02'),
            period(before, (date) => date >= '2025-01-05', 4),
        );
        expect(partial).toMatchObject({ pairedDays: 6, totals: { impression: 24 }, currentTotals: { impression: 60 } });
        expect(
            comparePeriods(
                period(range, () => true),
                period(before, () => false),
            ),
        ).toBeUndefined();
    });

    it('goes back a year by the calendar, 29 February to 28 February', () => {
        expect(yearEarlier('2025-03-01')).toBe('2024-03-01');
        expect(yearEarlier('2024-02-29')).toBe('2023-02-28');
        expect(previousYear({ startDate: '2025-02-14', endDate: '2026-02-13' })).toEqual({ startDate: '2024-02-14', endDate: '2025-02-13' });
        expect(missingRanges(['2026-01-01', '2026-01-02', '2026-01-05'], '2026-01-02')).toEqual([
            { startDate: '2026-01-01', endDate: '2026-01-01', reason: 'HISTORY_NOT_STARTED' },
            { startDate: '2026-01-02', endDate: '2026-01-02', reason: 'NOT_SNAPSHOTTED' },
            { startDate: '2026-01-05', endDate: '2026-01-05', reason: 'NOT_SNAPSHOTTED' },
        ]);
    });

    it('reports growth, month by month, the days without numbers and a partial comparison, in words', async () => {
        const range = { startDate: '2026-01-15', endDate: '2026-03-10' };
        const present = (date: string) => date < '2026-02-01' || date > '2026-02-10';
        const before = previousYear(range);
        const current = period(range, present);
        const other = period(before, (date) => date >= '2025-02-01', 8);
        const comparison = comparePeriods(current, other)!;
        const data = accountReportData({
            rows: current.rows,
            summary: { impression: current.rows.length * 10 },
            topPins: [],
            topNote: 'Pinterest ranks top pins only over its last 90 days, and none of them is in the range.',
            sortBy: 'IMPRESSION',
            range,
            heading: { subject: 'Whole account' },
            generatedAt: '2026-06-01T06:00:00Z',
            previous: { ...comparison, rows: other.rows },
            compareTo: 'previousYear',
            missing: [{ startDate: '2026-02-01', endDate: '2026-02-10', reason: 'NOT_SNAPSHOTTED' }],
            growth: {
                followers: [
                    { date: '2026-01-20', value: 100 },
                    { date: '2026-03-01', value: 180 },
                ],
                monthlyViews: [{ date: '2026-03-01', value: 9000 }],
            },
            monthly: true,
            pinterestFrom: '2026-03-04',
        });
        expect(data.months?.rows.map((month) => [month.month, month.daysWithData, month.days, month.followerCount])).toEqual([
            ['2026-01', 17, 17, 100],
            ['2026-02', 18, 28, null],
            ['2026-03', 10, 10, 180],
        ]);
        expect(data.days.find((day) => day.date === '2026-02-05')?.dataStatus).toBe('NOT_SNAPSHOTTED');
        const html = await buildReport(data, async () => undefined);
        expect(html).toContain('No numbers for 1 to 10 February 2026 (no snapshot while Pinterest had it): those days are shaded in the charts');
        expect(html).toContain(`on the ${comparison.pairedDays} days both have numbers for`);
        expect(html).toContain(`${comparison.pairedDays} days: ${comparison.currentTotals?.impression}`);
        expect(html).toMatch(/<figure class="chart growth" data-metric="followerCount" data-latest="180">/);
        expect(html).toContain('As counted by 2 snapshots from 20 January 2026 to 1 March 2026');
        expect(html).toContain('<th class="num" scope="col">Impressions vs the same days a year earlier</th>');
        expect(html).toContain('Pinterest ranks top pins only over its last 90 days');
    });
});
