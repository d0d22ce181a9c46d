import { datesOf, type DateRange } from './dates.js';
import type { AccountAnalyticsItem, PinAnalyticsItem, TopPin } from '../output/analytics-items.js';
import { type Metrics, rates } from './metrics.js';
import type { ReportData, ReportDay } from './report/report.js';

/** What the report shows, gathered from the rows a mode stored; kept apart from the (heavy) page builder. */

const ORDER = [
    'impression',
    'save',
    'pinClick',
    'outboundClick',
    'engagement',
    'videoMrcView',
    'videoStart',
    'video10sView',
    'quartile95PercentView',
];
const NOT_CHARTED = /Rate$|Avg|WatchTime$|^total/;
/** The pin table shows at most this many pins; the dataset has all of them. */
export const REPORT_TABLE_PINS = 100;

/** The status that says most about a day's reliability when several pins (or splits) report it. */
const STATUS_RANK = ['PROCESSING', 'ESTIMATE', 'READY'];
function worstStatus(statuses: Array<string | null>): string | null {
    const known = statuses.filter((status): status is string => status !== null);
    if (known.length === 0) return null;
    return STATUS_RANK.find((status) => known.includes(status)) ?? known[0] ?? null;
}

function addInto(target: Metrics, source: Metrics): void {
    for (const [key, value] of Object.entries(source)) {
        if (typeof value !== 'number' || /Rate$|Avg/.test(key)) continue;
        target[key] = (target[key] ?? 0) + value;
    }
}

const chartedMetrics = (keys: Iterable<string>) => {
    const present = [...new Set(keys)].filter((key) => !NOT_CHARTED.test(key));
    return present.sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
};

/** Sums per day of several series (pins, or splits), with the least final status of the day. */
function sumDays(range: DateRange, series: ReadonlyArray<ReadonlyArray<{ date: string; dataStatus: string | null; metrics: Metrics }>>): ReportDay[] {
    const byDate = new Map(datesOf(range).map((date) => [date, { date, statuses: [] as Array<string | null>, metrics: {} as Metrics }]));
    for (const days of series) {
        for (const day of days) {
            const entry = byDate.get(day.date);
            if (!entry) continue;
            entry.statuses.push(day.dataStatus);
            addInto(entry.metrics, day.metrics);
        }
    }
    return [...byDate.values()].map((entry) => ({ date: entry.date, dataStatus: worstStatus(entry.statuses), metrics: entry.metrics }));
}

export interface PinReportInput {
    rows: readonly PinAnalyticsItem[];
    range: DateRange;
    subject: string;
    generatedAt: string;
    previous?: { range: DateRange; totals: Metrics };
    previousNote?: string;
}

export function pinReportData({ rows, range, subject, generatedAt, previous, previousNote }: PinReportInput): ReportData {
    const totals: Metrics = {};
    for (const row of rows) {
        addInto(totals, row.summary);
        addInto(totals, row.lifetime);
    }
    const days = sumDays(
        range,
        rows.map((row) => row.daily),
    );
    const metrics = chartedMetrics(rows.flatMap((row) => Object.keys(row.summary)));
    const ranked = [...rows].sort((a, b) => (b.summary.impression ?? 0) - (a.summary.impression ?? 0));
    const lifetimeKeys = [...new Set(rows.flatMap((row) => Object.keys(row.lifetime)))];
    const withRates = (summary: Metrics) => ({ ...summary, ...rates(summary) });
    return {
        title: 'Pin analytics',
        subject,
        range,
        generatedAt,
        metrics,
        days,
        totals: withRates(totals),
        previous: previous ? { range: previous.range, totals: withRates(previous.totals) } : undefined,
        previousNote,
        pinsTitle: rows.length > REPORT_TABLE_PINS ? `Top ${REPORT_TABLE_PINS} of ${rows.length} pins by impressions` : 'Pins by impressions',
        pins: ranked.slice(0, REPORT_TABLE_PINS).map((row) => ({
            pinId: row.pinId,
            url: row.url,
            title: row.title,
            imageUrl: row.imageUrl,
            metrics: {
                ...row.summary,
                ...row.lifetime,
                saveRate: row.saveRate,
                clickThroughRate: row.clickThroughRate,
                outboundClickRate: row.outboundClickRate,
            },
        })),
        tableMetrics: [...metrics.slice(0, 4), 'saveRate', 'clickThroughRate', 'outboundClickRate', ...lifetimeKeys],
    };
}

export interface AccountReportInput {
    rows: readonly AccountAnalyticsItem[];
    summary: Metrics;
    topPins: readonly TopPin[];
    sortBy: string;
    range: DateRange;
    subject: string;
    generatedAt: string;
    previous?: { range: DateRange; totals: Metrics };
    previousNote?: string;
}

export function accountReportData(input: AccountReportInput): ReportData {
    const splits = new Map<string, AccountAnalyticsItem[]>();
    for (const row of input.rows) splits.set(row.split, [...(splits.get(row.split) ?? []), row]);
    const days = sumDays(input.range, [...splits.values()]);
    const metrics = chartedMetrics(input.rows.flatMap((row) => Object.keys(row.metrics)));
    const sortKey = input.sortBy.toLowerCase().replace(/_([a-z])/g, (_match, next: string) => next.toUpperCase());
    const topMetrics = [...new Set(input.topPins.flatMap((pin) => Object.keys(pin.metrics)))];
    return {
        title: 'Account analytics',
        subject: input.subject,
        range: input.range,
        generatedAt: input.generatedAt,
        metrics,
        days,
        totals: input.summary,
        previous: input.previous,
        previousNote: input.previousNote,
        pinsTitle: `Top pins by ${sortKey === 'pinClick' ? 'pin clicks' : sortKey.replace(/([A-Z])/g, ' $1').toLowerCase()}s`.replace(/ss$/, 's'),
        pins: input.topPins.map((pin) => ({ pinId: pin.pinId, url: pin.url, title: pin.title, imageUrl: pin.imageUrl, metrics: pin.metrics })),
        tableMetrics: [sortKey, ...chartedMetrics(topMetrics).filter((key) => key !== sortKey), ...topMetrics.filter((key) => /Rate$/.test(key))],
    };
}
