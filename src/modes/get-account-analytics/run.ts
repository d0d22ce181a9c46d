import { previousPeriod, resolveDateRange } from '../../analytics/dates.js';
import { resumeProgress } from '../../analytics/progress.js';
import type { AccountAnalyticsItem, TopPin } from '../../output/analytics-items.js';
import { mergeBlock, type Metrics, metricKey, toMetrics } from '../../analytics/metrics.js';
import { accountReportData } from '../../analytics/report-data.js';
import { saveReport } from '../../analytics/save-report.js';
import { largestImageUrl, pinUrl } from '../../output/items.js';
import { plural } from '../../common/text.js';
import { budgetNote } from '../../output/list-delivery.js';
import type { ModeContext, ModeResult } from '../types.js';
import type { AccountAnalyticsInput } from './input.js';
import { EVENTS } from '../../output/run-output.js';
import type { ApiSplitMetrics } from '../../pinterest/analytics-schemas.js';
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
    const warnings = [...range.warnings];
    for (const warning of range.warnings) log.warning(warning);
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

    const top = await client.getTopPins({
        startDate: range.startDate,
        endDate: range.endDate,
        appTypes: input.appTypes,
        metricTypes: input.accountMetricTypes,
        sortBy: input.sortBy,
        numOfPins: input.topPinsCount,
    });
    const topPins: TopPin[] = [];
    for (const [index, entry] of (top.pins ?? []).entries()) {
        let title: string | null = null;
        let imageUrl: string | null = null;
        try {
            const pin = await client.getPin(entry.pin_id);
            title = pin.title ?? null;
            imageUrl = largestImageUrl(pin);
        } catch (error) {
            // A top pin may be someone else's (saved from another account) or since deleted: keep its numbers.
            if (!(error instanceof PinterestError && (error.kind === 'not-found' || error.status === 403))) throw error;
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
    await output.saveRecord(TOP_PINS_KEY, topPins);

    const earlier = previousPeriod(range, now());
    const previous = earlier ? { range: earlier, totals: summaryOf(await client.getAccountAnalytics({ ...query, ...earlier })) } : undefined;
    const previousNote = earlier ? undefined : 'No comparison with the period before: Pinterest keeps only 90 days of analytics.';

    const report = await saveReport(context, () =>
        accountReportData({
            rows: rows.slice(0, delivery.delivered),
            summary: summaryOf(answer),
            topPins,
            sortBy: input.sortBy,
            range,
            subject: split ? `Your account, split by ${split}` : 'Your account',
            generatedAt: new Date(now()).toISOString(),
            previous,
            previousNote,
        }),
    );
    if (report.warning) warnings.push(report.warning);

    const days = new Set(rows.slice(0, delivery.delivered).map((row) => row.date)).size;
    return {
        summary: `Fetched account analytics for ${plural(days, 'day')}, ${range.startDate} to ${range.endDate}, and the top ${plural(topPins.length, 'pin')}${budgetNote({ stoppedByBudget })}.${report.saved ? ' Report: report.html.' : ''}`,
        counts: { fetched: delivery.delivered, topPins: topPins.length },
        hasMore: stoppedByBudget,
        warnings,
        details: { startDate: range.startDate, endDate: range.endDate, topPins: TOP_PINS_KEY, ...(report.saved ? { report: 'report.html' } : {}) },
    };
}
