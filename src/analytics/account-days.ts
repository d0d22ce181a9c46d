import type { AccountAnalyticsItem } from '../output/analytics-items.js';
import type { ApiSplitMetrics } from '../pinterest/analytics-schemas.js';
import type { AccountAnalyticsQuery, PinterestClient } from '../pinterest/client.js';
import { addDays, apiWindowStart, type DateRange, datesOf, daysBetween } from './dates.js';
import { type AnalyticsHistory, type MissingDays, missingRanges } from './history.js';
import { mergeBlock, metricKey, type Metrics, toMetrics } from './metrics.js';

/**
 * The account's days of a range, from wherever they are: Pinterest for the days it still has (its 90), the history
 * of snapshot-analytics for the older ones. Days neither has are named, with the reason.
 */

export interface PeriodDays {
    range: DateRange;
    /** One row per day (and split value) with numbers, oldest first. */
    rows: AccountAnalyticsItem[];
    /** Days the rows came from, by source. */
    fromHistory: number;
    fromPinterest: number;
    /** Days without numbers, as ranges with their reason. */
    missing: MissingDays[];
    /** Pinterest's own totals, when every day of the range came from one answer. */
    summary?: Metrics;
}

/** One row per day and split value, oldest day first. */
export function toAccountRows(answer: ApiSplitMetrics): AccountAnalyticsItem[] {
    return Object.entries(answer).flatMap(([split, block]) =>
        mergeBlock(block).daily.map((day) => ({
            type: 'accountAnalytics' as const,
            date: day.date,
            dataStatus: day.dataStatus,
            split,
            source: 'pinterest' as const,
            storedAt: null,
            metrics: day.metrics,
        })),
    );
}

const IS_RATE = /Rate$/;

/** The range's totals: the no-split summary, or the sum of the splits' counts. */
export function summaryOf(answer: ApiSplitMetrics): Metrics {
    if (answer.all) return toMetrics(answer.all.summary_metrics);
    const totals: Metrics = {};
    for (const block of Object.values(answer)) addCounts(totals, toMetrics(block.summary_metrics));
    return totals;
}

function addCounts(totals: Metrics, metrics: Metrics): void {
    for (const [key, value] of Object.entries(metrics)) if (typeof value === 'number' && !IS_RATE.test(key)) totals[key] = (totals[key] ?? 0) + value;
}

export interface AccountDaysRequest {
    client: Pick<PinterestClient, 'getAccountAnalytics'>;
    query: Omit<AccountAnalyticsQuery, 'startDate' | 'endDate'>;
    /** The history, with the range's years loaded; the older days are missing without it. */
    history?: AnalyticsHistory;
    nowMs: number;
}

/** The days of `range`: the older part from the history, the rest in one request to Pinterest (at most 90 days). */
export async function accountDays(range: DateRange, { client, query, history, nowMs }: AccountDaysRequest): Promise<PeriodDays> {
    const windowStart = apiWindowStart(nowMs);
    const older = range.startDate < windowStart ? { startDate: range.startDate, endDate: min(range.endDate, addDays(windowStart, -1)) } : undefined;
    const recent = range.endDate >= windowStart ? { startDate: max(range.startDate, windowStart), endDate: range.endDate } : undefined;
    const wanted = query.metricTypes?.length ? new Set(query.metricTypes.map(metricKey)) : undefined;

    const rows: AccountAnalyticsItem[] = [];
    const missingDates: string[] = [];
    for (const date of older ? datesOf(older) : []) {
        const day = history?.day(date);
        if (!day) {
            missingDates.push(date);
            continue;
        }
        const metrics = wanted ? Object.fromEntries(Object.entries(day.metrics).filter(([key]) => wanted.has(key))) : { ...day.metrics };
        rows.push({
            type: 'accountAnalytics',
            date,
            dataStatus: day.dataStatus,
            split: 'all',
            source: 'history',
            storedAt: new Date(day.storedAt).toISOString(),
            metrics,
        });
    }
    const fromHistory = rows.length;
    let summary: Metrics | undefined;
    let fromPinterest = 0;
    if (recent) {
        const answer = await client.getAccountAnalytics({ ...query, ...recent });
        const fresh = toAccountRows(answer);
        rows.push(...fresh);
        fromPinterest = new Set(fresh.map((row) => row.date)).size;
        if (!older) summary = summaryOf(answer);
    }
    return { range, rows, fromHistory, fromPinterest, missing: missingRanges(missingDates, history?.firstDay()), summary };
}

const min = (a: string, b: string) => (a < b ? a : b);
const max = (a: string, b: string) => (a > b ? a : b);

/** A period's totals: Pinterest's own when it gave them for the whole period, else the sums of the days' counts. */
export function periodTotals(period: PeriodDays): Metrics {
    return period.summary ?? sumRows(period.rows);
}

function sumRows(rows: readonly AccountAnalyticsItem[]): Metrics {
    const totals: Metrics = {};
    for (const row of rows) addCounts(totals, row.metrics);
    return totals;
}

export interface Comparison {
    range: DateRange;
    /** The period's totals over the compared days. */
    totals: Metrics;
    /** The range's totals over the compared days, when they are not all its days (else its own totals stand). */
    currentTotals?: Metrics;
    /** Days compared: those both periods have numbers for, day by day in order. */
    pairedDays: number;
    /** Days of the range. */
    days: number;
}

/**
 * The range against another period, day by day in order (the first day of one with the first of the other, and so
 * on), on the days both have numbers for: a comparison never sets a whole year against the few months a history
 * holds of the year before. Undefined when no day pairs up.
 */
export function comparePeriods(current: PeriodDays, previous: PeriodDays): Comparison | undefined {
    const byDate = (period: PeriodDays) => {
        const map = new Map<string, AccountAnalyticsItem[]>();
        for (const row of period.rows) map.set(row.date, [...(map.get(row.date) ?? []), row]);
        return map;
    };
    const mine = byDate(current);
    const theirs = byDate(previous);
    const length = Math.min(
        daysBetween(current.range.startDate, current.range.endDate),
        daysBetween(previous.range.startDate, previous.range.endDate),
    );
    const pairedMine: AccountAnalyticsItem[] = [];
    const pairedTheirs: AccountAnalyticsItem[] = [];
    for (let offset = 0; offset < length; offset += 1) {
        const a = mine.get(addDays(current.range.startDate, offset));
        const b = theirs.get(addDays(previous.range.startDate, offset));
        if (!a || !b) continue;
        pairedMine.push(...a);
        pairedTheirs.push(...b);
    }
    const pairedDays = new Set(pairedMine.map((row) => row.date)).size;
    if (pairedDays === 0) return undefined;
    const days = daysBetween(current.range.startDate, current.range.endDate);
    const complete = pairedDays === days && mine.size === days && theirs.size === daysBetween(previous.range.startDate, previous.range.endDate);
    return complete
        ? { range: previous.range, totals: periodTotals(previous), pairedDays, days }
        : { range: previous.range, totals: sumRows(pairedTheirs), currentTotals: sumRows(pairedMine), pairedDays, days };
}
