import { type DateRange, previousPeriod, resolveDateRange } from '../../analytics/dates.js';
import { resumeProgress } from '../../analytics/progress.js';
import type { AccountAnalyticsItem, TopPin } from '../../output/analytics-items.js';
import { mergeBlock, type Metrics, metricKey, toMetrics } from '../../analytics/metrics.js';
import { accountName } from '../../analytics/names.js';
import { accountReportData } from '../../analytics/report-data.js';
import { saveReport } from '../../analytics/save-report.js';
import { largestImageUrl, pinUrl } from '../../output/items.js';
import { plural } from '../../common/text.js';
import { budgetNote } from '../../output/list-delivery.js';
import type { ModeContext, ModeResult } from '../types.js';
import type { AccountAnalyticsInput } from './input.js';
import { EVENTS } from '../../output/run-output.js';
import type { ApiSplitMetrics, ApiTopPins } from '../../pinterest/analytics-schemas.js';
import type { PinterestClient } from '../../pinterest/client.js';
import { PinterestError } from '../../pinterest/errors.js';

export const TOP_PINS_KEY = 'top-pins';

/** One row per day and split value, oldest day first. */
export function toAccountRows(answer: ApiSplitMetrics): AccountAnalyticsItem[] {
    return Object.entries(answer).flatMap(([split, block]) =>
        mergeBlock(block).daily.map((day) => ({
            type: 'accountAnalytics' as const,
            date: day.date,
            dataStatus: day.dataStatus,
            split,
            metrics: day.metrics,
        })),
    );
}

/** The range's totals: the no-split summary, or the sum of the splits' counts. */
function summaryOf(answer: ApiSplitMetrics): Metrics {
    if (answer.all) return toMetrics(answer.all.summary_metrics);
    const totals: Metrics = {};
    for (const block of Object.values(answer)) {
        for (const [key, value] of Object.entries(toMetrics(block.summary_metrics)))
            if (typeof value === 'number' && !/Rate$/.test(key)) totals[key] = (totals[key] ?? 0) + value;
    }
    return totals;
}

/**
 * get-account-analytics: the account's days as rows (charged), its top pins as a record (free, with titles and
 * images looked up so the report can show them), and the report comparing the range with the period before.
 */
export async function runAccountAnalytics(context: ModeContext<AccountAnalyticsInput>): Promise<ModeResult> {
    const { input, client, output, log, now, journal } = context;
    const requested = resolveDateRange({ startDate: input.startDate, endDate: input.endDate }, now(), input.clampDateRange);
    const progress = await resumeProgress(journal, output, requested);
    const range = progress.range;
    const warnings: string[] = [];
    const warn = (message: string) => {
        log.warning(message);
        warnings.push(message);
    };
    for (const warning of range.warnings) warn(warning);
    const split = input.splitField === 'NO_SPLIT' ? undefined : input.splitField;
    const query = {
        startDate: range.startDate,
        endDate: range.endDate,
        metricTypes: input.accountMetricTypes,
        appTypes: input.appTypes,
        splitField: split,
    };

    const answer = await client.getAccountAnalytics(query);
    const rows = toAccountRows(answer);
    // After a restart, the days stored before it are not stored or charged again.
    const budget = output.budgetFor(EVENTS.itemFetched);
    const fresh = rows.slice(progress.stored, progress.stored + Math.max(0, budget));
    const pushed = await output.pushFetched(fresh);
    const delivery = { delivered: Math.min(rows.length, progress.stored) + pushed.delivered };
    if (pushed.delivered > 0) await progress.save(delivery.delivered);
    const stoppedByBudget = delivery.delivered < rows.length;

    // The days are stored and charged by now: what follows (top pins, the comparison) is free, and a failure there
    // is told as a warning rather than failing a run the user has paid for.
    let top: ApiTopPins = { pins: [], skippedPins: 0 };
    try {
        top = await client.getTopPins({
            startDate: range.startDate,
            endDate: range.endDate,
            appTypes: input.appTypes,
            metricTypes: input.accountMetricTypes,
            sortBy: input.sortBy,
            numOfPins: input.topPinsCount,
        });
    } catch (error) {
        if (!(error instanceof PinterestError)) throw error;
        warn(`The top pins could not be fetched, so the report has none; the daily numbers are complete. ${error.message}`);
    }
    const topPins = await describeTopPins(client, top, warn);
    await output.saveRecord(TOP_PINS_KEY, topPins);

    const earlier = previousPeriod(range, now());
    let previous: { range: DateRange; totals: Metrics } | undefined;
    let previousNote = earlier ? undefined : 'No comparison with the period before: Pinterest keeps only 90 days of analytics.';
    if (earlier) {
        try {
            previous = { range: earlier, totals: summaryOf(await client.getAccountAnalytics({ ...query, ...earlier })) };
        } catch (error) {
            if (!(error instanceof PinterestError)) throw error;
            previousNote = 'No comparison with the period before: Pinterest did not give its numbers.';
            warn(`The period before the range could not be fetched, so the report compares with nothing. ${error.message}`);
        }
    }
    const account = await accountName(client);
    const subject = split ? `Whole account, split by ${SPLIT_WORDS[split] ?? split.toLowerCase()}` : 'Whole account';

    const report = await saveReport(context, () =>
        accountReportData({
            rows: rows.slice(0, delivery.delivered),
            summary: summaryOf(answer),
            topPins,
            sortBy: input.sortBy,
            metricTypes: input.accountMetricTypes,
            range,
            heading: { reportTitle: input.reportTitle, account, subject },
            generatedAt: new Date(now()).toISOString(),
            previous,
            previousNote,
        }),
    );
    if (report.warning) warnings.push(report.warning);

    const days = new Set(rows.slice(0, delivery.delivered).map((row) => row.date)).size;
    return {
        summary: `Fetched account analytics${account ? ` of ${account}` : ''} for ${plural(days, 'day')}, ${range.startDate} to ${range.endDate}, and the top ${plural(topPins.length, 'pin')}${budgetNote({ stoppedByBudget })}.${report.saved ? ' Report: report.html.' : ''}`,
        counts: { fetched: delivery.delivered, topPins: topPins.length },
        hasMore: stoppedByBudget,
        warnings,
        details: { startDate: range.startDate, endDate: range.endDate, topPins: TOP_PINS_KEY, ...(report.saved ? { report: 'report.html' } : {}) },
    };
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
