import { accountDays, comparePeriods, type Comparison, type PeriodDays, periodTotals } from '../../analytics/account-days.js';
import {
    addDays,
    apiWindowStart,
    type DateRange,
    daysBetween,
    periodBefore,
    previousYear,
    type ResolvedRange,
    resolveDateRange,
} from '../../analytics/dates.js';
import { type AnalyticsHistory, type MissingDays, yearsOf } from '../../analytics/history.js';
import { resumeProgress } from '../../analytics/progress.js';
import type { TopPin } from '../../output/analytics-items.js';
import { metricKey, toMetrics } from '../../analytics/metrics.js';
import { accountName } from '../../analytics/names.js';
import { accountReportData, type GrowthPoint } from '../../analytics/report-data.js';
import { saveReport } from '../../analytics/save-report.js';
import { ActorError } from '../../common/errors.js';
import { largestImageUrl, pinUrl } from '../../output/items.js';
import { plural } from '../../common/text.js';
import { budgetNote } from '../../output/list-delivery.js';
import { accountRecords, openHistory } from '../account-history.js';
import type { ModeContext, ModeResult } from '../types.js';
import type { AccountAnalyticsInput } from './input.js';
import { EVENTS } from '../../output/run-output.js';
import type { ApiTopPins } from '../../pinterest/analytics-schemas.js';
import type { PinterestClient } from '../../pinterest/client.js';
import { PinterestError } from '../../pinterest/errors.js';

export const TOP_PINS_KEY = 'top-pins';
export const TOP_VIDEO_PINS_KEY = 'top-video-pins';

/** Sorts top_video_pins takes of those sortBy offers; the others rank video pins by impressions. */
const VIDEO_SORTS = new Set(['IMPRESSION', 'SAVE', 'OUTBOUND_CLICK']);

/** What a missing day is, in the words of the status message and the OUTPUT record. */
const MISSING_WORDS: Record<MissingDays['reason'], string> = {
    HISTORY_NOT_STARTED: 'before the history began',
    NOT_SNAPSHOTTED: 'no snapshot ran while Pinterest had them',
};

/**
 * get-account-analytics: the account's days as rows (charged): the days Pinterest still has from Pinterest, older
 * ones from the history snapshot-analytics keeps; its top pins and top video pins as records (free, with titles and
 * images looked up so the report can show them), and the report, comparing the range with the period before or the
 * same days a year earlier, with the account's growth when the history has its counters.
 */
export async function runAccountAnalytics(context: ModeContext<AccountAnalyticsInput>): Promise<ModeResult> {
    const { input, client, output, log, now, journal, storage } = context;
    // A start older than Pinterest keeps is left to the history, which is checked once it is read.
    const requested = resolveDateRange({ startDate: input.startDate, endDate: input.endDate }, now(), input.clampDateRange, { history: true });
    const progress = await resumeProgress(journal, output, requested);
    let range: ResolvedRange = progress.range;
    const warnings: string[] = [];
    const warn = (message: string) => {
        log.warning(message);
        warnings.push(message);
    };
    for (const warning of range.warnings) warn(warning);
    const split = input.splitField === 'NO_SPLIT' ? undefined : input.splitField;
    const wholeAccount = !split && input.appTypes === 'ALL';
    const windowStart = apiWindowStart(now());

    // The history is read for the older days, the comparison and the growth lines; it needs to know whose it is,
    // which preflight has asked already (else it is the one request made before the check below).
    const records = await accountRecords(client, input.environment);
    const history = await openHistory(storage, input.historyStoreName, records);
    const compareWith = input.compareTo === 'previousYear' ? previousYear(range) : periodBefore(range);
    await history.load(
        yearsOf({ startDate: compareWith.startDate < range.startDate ? compareWith.startDate : range.startDate, endDate: range.endDate }),
    );
    const older =
        range.startDate < windowStart ? { startDate: range.startDate, endDate: minDate(range.endDate, addDays(windowStart, -1)) } : undefined;
    // Before any analytics request: a range that reaches back further than Pinterest and the history both do.
    if (older && (!wholeAccount || history.daysIn(older).length === 0)) {
        const why = wholeAccount
            ? `startDate (${range.startDate}) is older than the 90 days Pinterest keeps, and key-value store "${input.historyStoreName}" has no analytics history of this account from ${older.startDate} to ${older.endDate}`
            : `startDate (${range.startDate}) is older than the 90 days Pinterest keeps, and the history keeps the whole account only (no split, all apps)`;
        const hint =
            'run mode snapshot-analytics daily from an Apify Schedule to keep analytics beyond 90 days (see the README, "Analytics beyond 90 days")';
        if (!input.clampDateRange) throw new ActorError(`${why}: ${hint}, or set clampDateRange to true to start on ${windowStart} instead.`);
        if (range.endDate < windowStart) throw new ActorError(`${why}, and the range has no day within the last 90 days: ${hint}.`);
        range = { startDate: windowStart, endDate: range.endDate, days: daysBetween(windowStart, range.endDate), warnings: [] };
        warn(
            `startDate ${requested.startDate} is older than the 90 days Pinterest keeps, and the history has none of those days: the range starts on ${windowStart} instead (${hint}).`,
        );
    }
    const query = { metricTypes: input.accountMetricTypes, appTypes: input.appTypes, splitField: split };
    const nowMs = now();

    const current = await accountDays(range, { client, query, history: wholeAccount ? history : undefined, nowMs });
    const rows = current.rows;
    // After a restart, the days stored before it are not stored or charged again.
    const budget = output.budgetFor(EVENTS.itemFetched);
    const fresh = rows.slice(progress.stored, progress.stored + Math.max(0, budget));
    const pushed = await output.pushFetched(fresh);
    const delivery = { delivered: Math.min(rows.length, progress.stored) + pushed.delivered };
    if (pushed.delivered > 0) await progress.save(delivery.delivered);
    const stoppedByBudget = delivery.delivered < rows.length;
    if (current.missing.length > 0) warn(`No numbers for ${describeMissing(current.missing)}.`);

    // The days are stored and charged by now: what follows (top pins, the comparison) is free, and a failure there
    // is told as a warning rather than failing a run the user has paid for.
    const recent = range.endDate >= windowStart ? { startDate: maxDate(range.startDate, windowStart), endDate: range.endDate } : undefined;
    const topRequest = recent && { ...recent, appTypes: input.appTypes, numOfPins: input.topPinsCount };
    let top: ApiTopPins = { pins: [], skippedPins: 0 };
    let topVideo: ApiTopPins = { pins: [], skippedPins: 0 };
    if (topRequest) {
        try {
            top = await client.getTopPins({ ...topRequest, metricTypes: input.accountMetricTypes, sortBy: input.sortBy });
        } catch (error) {
            if (!(error instanceof PinterestError)) throw error;
            warn(`The top pins could not be fetched, so the report has none; the daily numbers are complete. ${error.message}`);
        }
        try {
            topVideo = await client.getTopVideoPins({ ...topRequest, sortBy: VIDEO_SORTS.has(input.sortBy) ? input.sortBy : 'IMPRESSION' });
        } catch (error) {
            if (!(error instanceof PinterestError)) throw error;
            warn(`The top video pins could not be fetched, so the report has none; the daily numbers are complete. ${error.message}`);
        }
    }
    const topPins = await describeTopPins(client, top, warn);
    await output.saveRecord(TOP_PINS_KEY, topPins);
    const topVideoPins = topVideo.pins.length > 0 ? await describeTopPins(client, topVideo, warn) : [];
    if (topVideoPins.length > 0) await output.saveRecord(TOP_VIDEO_PINS_KEY, topVideoPins);
    const topNote = recent ? undefined : 'Pinterest ranks top pins only over its last 90 days, and none of them is in the range.';

    const comparison = await compare(context, current, compareWith, { query, history: wholeAccount ? history : undefined, nowMs, warn });
    const account = await accountName(client);
    const subject = split ? `Whole account, split by ${SPLIT_WORDS[split] ?? split.toLowerCase()}` : 'Whole account';

    const report = await saveReport(context, () =>
        accountReportData({
            rows: rows.slice(0, delivery.delivered),
            summary: periodTotals(current),
            topPins,
            topVideoPins,
            topNote,
            sortBy: input.sortBy,
            metricTypes: input.accountMetricTypes,
            range,
            heading: { reportTitle: input.reportTitle, account, subject },
            generatedAt: new Date(nowMs).toISOString(),
            previous: comparison.previous,
            previousNote: comparison.note,
            compareTo: input.compareTo,
            missing: current.missing,
            growth: growthOf(history, range),
            monthly: wholeAccount && range.days > 31,
            pinterestFrom: current.fromHistory > 0 ? windowStart : undefined,
        }),
    );
    if (report.warning) warnings.push(report.warning);

    const days = new Set(rows.slice(0, delivery.delivered).map((row) => row.date)).size;
    const sources =
        current.fromHistory > 0
            ? ` (${current.fromHistory} from the history in key-value store "${input.historyStoreName}", ${current.fromPinterest} from Pinterest)`
            : '';
    const noData = current.missing.length > 0 ? `; no numbers for ${describeMissing(current.missing)}` : '';
    return {
        summary: `Fetched account analytics${account ? ` of ${account}` : ''} for ${days === range.days ? plural(days, 'day') : `${days} of ${plural(range.days, 'day')}`}, ${range.startDate} to ${range.endDate}${sources}${noData}, and the top ${plural(topPins.length, 'pin')}${budgetNote({ stoppedByBudget })}.${report.saved ? ' Report: report.html.' : ''}`,
        counts: { fetched: delivery.delivered, topPins: topPins.length, topVideoPins: topVideoPins.length, fromHistory: current.fromHistory },
        hasMore: stoppedByBudget,
        warnings,
        details: {
            startDate: range.startDate,
            endDate: range.endDate,
            topPins: TOP_PINS_KEY,
            ...(topVideoPins.length > 0 ? { topVideoPins: TOP_VIDEO_PINS_KEY } : {}),
            historyStore: input.historyStoreName,
            daysWithoutData: current.missing.map((missing) => ({ ...missing, why: MISSING_WORDS[missing.reason] })),
            compareTo: input.compareTo,
            comparison: comparison.previous
                ? {
                      startDate: comparison.previous.range.startDate,
                      endDate: comparison.previous.range.endDate,
                      pairedDays: comparison.previous.pairedDays,
                  }
                : null,
            ...(report.saved ? { report: 'report.html' } : {}),
        },
        overview: {
            account,
            startDate: range.startDate,
            endDate: range.endDate,
            totals: periodTotals(current),
            previousTotals: comparison.previous?.totals,
            comparedTotals: comparison.previous?.currentTotals,
            report: report.saved,
        },
    };
}

const minDate = (a: string, b: string) => (a < b ? a : b);
const maxDate = (a: string, b: string) => (a > b ? a : b);
/** "2025-03-01 to 2025-04-20", or one day. */
const datesText = (range: DateRange) => (range.startDate === range.endDate ? range.startDate : `${range.startDate} to ${range.endDate}`);

function describeMissing(missing: readonly MissingDays[]): string {
    return missing.map((part) => `${datesText(part)} (${MISSING_WORDS[part.reason]})`).join(', ');
}

/** The comparison the user chose, from Pinterest and the history, or why there is none. */
async function compare(
    { client }: ModeContext<AccountAnalyticsInput>,
    current: PeriodDays,
    compareWith: DateRange,
    {
        query,
        history,
        nowMs,
        warn,
    }: { query: Parameters<typeof accountDays>[1]['query']; history?: AnalyticsHistory; nowMs: number; warn: (message: string) => void },
): Promise<{ previous?: Comparison & { rows: PeriodDays['rows'] }; note?: string }> {
    const windowStart = apiWindowStart(nowMs);
    if (compareWith.startDate < windowStart && !history)
        return {
            note: 'No comparison with the period before: Pinterest keeps only 90 days of analytics, and the history keeps the whole account only (no split, all apps).',
        };
    let other: PeriodDays;
    try {
        other = await accountDays(compareWith, { client, query, history, nowMs });
    } catch (error) {
        if (!(error instanceof PinterestError)) throw error;
        warn(`The period before the range could not be fetched, so the report compares with nothing. ${error.message}`);
        return { note: 'No comparison with the period before: Pinterest did not give its numbers.' };
    }
    const previous = comparePeriods(current, other);
    if (previous) return { previous: { ...previous, rows: other.rows } };
    return {
        note:
            compareWith.startDate < windowStart
                ? `No comparison with ${datesText(compareWith)}: Pinterest keeps only 90 days of analytics, and the history has none of those days (snapshot-analytics keeps them from its first run on).`
                : 'No comparison with the period before: Pinterest has no numbers for it.',
    };
}

/** Followers and monthly views as the snapshots in the range counted them. */
function growthOf(history: AnalyticsHistory, range: DateRange): { followers: GrowthPoint[]; monthlyViews: GrowthPoint[] } {
    const counters = history.countersIn(range);
    const points = (pick: (value: (typeof counters)[number][1]) => number | null) =>
        counters.flatMap(([date, value]) => {
            const number = pick(value);
            return typeof number === 'number' ? [{ date, value: number }] : [];
        });
    return { followers: points((value) => value.followerCount), monthlyViews: points((value) => value.monthlyViews) };
}

const SPLIT_WORDS: Record<string, string> = {
    APP_TYPE: 'app type',
    OWNED_CONTENT: 'owned content',
    SOURCE: 'source',
    PIN_FORMAT: 'pin format',
};

/**
 * The top pins with their titles and images, looked up one by one so the report can show them. A pin that cannot be
 * looked up (someone else's, deleted, or any answer but the pin) keeps its rank and numbers, without title or image.
 */
async function describeTopPins(client: PinterestClient, top: ApiTopPins, warn: (message: string) => void): Promise<TopPin[]> {
    const topPins: TopPin[] = [];
    const failed: string[] = [];
    for (const [index, entry] of top.pins.entries()) {
        let title: string | null = null;
        let imageUrl: string | null = null;
        try {
            const pin = await client.getPin(entry.pin_id);
            title = pin.title ?? null;
            imageUrl = largestImageUrl(pin);
        } catch (error) {
            if (!(error instanceof PinterestError)) throw error;
            // A top pin saved from another account, or since deleted, is expected; anything else is worth a word.
            if (!(error.kind === 'not-found' || error.status === 403))
                failed.push(
                    `${entry.pin_id} (${error.status ? `HTTP ${error.status}` : error.kind}${error.apiMessage ? `: "${error.apiMessage}"` : ''})`,
                );
        }
        const dataStatus = Object.fromEntries(Object.entries(entry.data_status ?? {}).map(([name, status]) => [metricKey(name), status]));
        topPins.push({
            rank: index + 1,
            pinId: entry.pin_id,
            url: pinUrl(entry.pin_id),
            title,
            imageUrl,
            metrics: toMetrics(entry.metrics),
            dataStatus,
        });
    }
    if (failed.length === 1) warn(`The title and image of top pin ${failed[0]} could not be fetched: it is listed with its numbers only.`);
    if (failed.length > 1)
        warn(`The titles and images of top pins ${failed.join(', ')} could not be fetched: they are listed with their numbers only.`);
    return topPins;
}
