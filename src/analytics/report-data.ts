import { addDays, datesOf, type DateRange, daysBetween } from './dates.js';
import type { Comparison } from './account-days.js';
import type { MissingDays } from './history.js';
import type { AccountAnalyticsItem, BoardAnalyticsItem, PinAnalyticsItem, TopPin } from '../output/analytics-items.js';
import { isNoDataStatus, type Metrics, rates } from './metrics.js';
import type { MonthRow, ReportData, ReportDay, ReportPin } from './report/report.js';

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
    'engagementRate',
    'saveRate',
    'pinClickRate',
    'outboundClickRate',
];
const IS_RATE = /Rate$/;
/** Averages, watch times and lifetime counters have no meaningful daily sum. */
const NOT_SUMMED = /Avg|WatchTime$|^total/;
/** The pin table shows at most this many pins; the dataset has all of them. */
export const REPORT_TABLE_PINS = 100;

/** Each account rate and the counts it is made of (Pinterest's definitions: per impression). */
const RATE_PARTS: Record<string, readonly [string, string]> = {
    engagementRate: ['engagement', 'impression'],
    saveRate: ['save', 'impression'],
    pinClickRate: ['pinClick', 'impression'],
    outboundClickRate: ['outboundClick', 'impression'],
};

/** The status that says most about a day's reliability when several pins (or splits) report it. */
const STATUS_RANK = ['PROCESSING', 'ESTIMATE', 'READY'];
/**
 * A day's status over several series: the least final of those that had numbers that day. A day on which none had
 * any (every pin created later) keeps that reason (`BEFORE_PIN_CREATED`), so the chart marks it instead of drawing zeros.
 */
function dayStatus(statuses: Array<string | null>): string | null {
    const counted = statuses.filter((status): status is string => status !== null && !isNoDataStatus(status));
    if (counted.length === 0) return statuses.find(isNoDataStatus) ?? null;
    return STATUS_RANK.find((status) => counted.includes(status)) ?? counted[0] ?? null;
}

function addInto(target: Metrics, source: Metrics): void {
    for (const [key, value] of Object.entries(source)) {
        if (typeof value !== 'number' || IS_RATE.test(key) || /Avg/.test(key)) continue;
        target[key] = (target[key] ?? 0) + value;
    }
}

const ordered = (keys: Iterable<string>) =>
    [...new Set(keys)].sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b));
const countsOf = (keys: Iterable<string>) => ordered(keys).filter((key) => !IS_RATE.test(key) && !NOT_SUMMED.test(key));
const ratesOf = (keys: Iterable<string>) => ordered(keys).filter((key) => IS_RATE.test(key));

/** Rates worked out from counts (where the counts are there), for sums over splits whose own rates cannot be added. */
function derivedRates(metrics: Metrics, keys: readonly string[]): Metrics {
    const derived: Metrics = {};
    for (const key of keys) {
        const [part, whole] = RATE_PARTS[key] ?? [];
        const top = part ? metrics[part] : undefined;
        const bottom = whole ? metrics[whole] : undefined;
        if (typeof top === 'number' && typeof bottom === 'number') derived[key] = bottom > 0 ? Math.round((top / bottom) * 1e6) / 1e6 : null;
    }
    return derived;
}

type Series = ReadonlyArray<{ date: string; dataStatus: string | null; metrics: Metrics }>;

/** Sums per day of several series (pins, or splits), with the least final status of the day; days without numbers stay empty. */
function sumDays(range: DateRange, series: readonly Series[]): ReportDay[] {
    const byDate = new Map(datesOf(range).map((date) => [date, { date, statuses: [] as Array<string | null>, metrics: {} as Metrics }]));
    for (const days of series) {
        for (const day of days) {
            const entry = byDate.get(day.date);
            if (!entry) continue;
            entry.statuses.push(day.dataStatus);
            // Pinterest sends zeros for the days before a pin existed: they are no numbers, not a quiet day.
            if (!isNoDataStatus(day.dataStatus)) addInto(entry.metrics, day.metrics);
        }
    }
    return [...byDate.values()].map((entry) => ({ date: entry.date, dataStatus: dayStatus(entry.statuses), metrics: entry.metrics }));
}

const hasNumbers = (day: ReportDay) => Object.values(day.metrics).some((value) => typeof value === 'number');

export interface ReportHeading {
    /** The user's `reportTitle` (a client's or brand's name): the report's title when given. */
    reportTitle?: string;
    /** The Pinterest account's name (business name or @username), when Pinterest gave it. */
    account?: string;
    /** What the numbers cover: "12 pins of board Summer Recipes". */
    subject: string;
}

/** The page's title, what kind of report it is, and whom it is about, without repeating a name. */
function heading(kind: string, { reportTitle, account, subject }: ReportHeading): Pick<ReportData, 'kind' | 'title' | 'subject'> {
    const title = reportTitle ?? account ?? kind;
    const onPinterest = account && title !== account ? `${account} on Pinterest` : undefined;
    return { kind, title, subject: [subject, onPinterest].filter(Boolean).join(' · ') };
}

export interface PinReportInput {
    rows: readonly PinAnalyticsItem[];
    range: DateRange;
    heading: ReportHeading;
    generatedAt: string;
    previous?: { range: DateRange; totals: Metrics };
    previousNote?: string;
    /** groupBy "board": the boards' summary rows, for a table of their own. */
    boards?: readonly BoardAnalyticsItem[];
}

/** The lifetime counters a row has besides its range totals (quick rows have lifetime impressions too: never added to the range's). */
const lifetimeOnly = (row: PinAnalyticsItem): Metrics => Object.fromEntries(Object.entries(row.lifetime).filter(([key]) => !(key in row.summary)));

export function pinReportData({ rows, range, heading: names, generatedAt, previous, previousNote, boards }: PinReportInput): ReportData {
    const counted = rows.filter((row) => row.hasData);
    const empty = rows.filter((row) => !row.hasData);
    const totals: Metrics = {};
    for (const row of counted) {
        addInto(totals, row.summary);
        addInto(totals, lifetimeOnly(row));
    }
    const days = sumDays(
        range,
        counted.map((row) => row.daily),
    );
    const metrics = countsOf(counted.flatMap((row) => Object.keys(row.summary)));
    const ranked = [...counted].sort((a, b) => (b.summary.impression ?? 0) - (a.summary.impression ?? 0));
    const lifetimeKeys = [...new Set(counted.flatMap((row) => Object.keys(lifetimeOnly(row))))];
    const withRates = (summary: Metrics) => ({ ...summary, ...rates(summary) });
    return {
        ...heading('Pin analytics', names),
        range,
        generatedAt,
        // Quick rows have no days: their totals are shown, but there is nothing to draw.
        metrics: days.some(hasNumbers) ? metrics : [],
        totalsShown: metrics,
        days,
        totals: withRates(totals),
        previous: previous ? { range: previous.range, totals: withRates(previous.totals) } : undefined,
        previousNote,
        beforeCreated: rows.length === 1 ? 'before the pin was created' : 'before any of these pins was created',
        pinsTitle: counted.length > REPORT_TABLE_PINS ? `Top ${REPORT_TABLE_PINS} of ${counted.length} pins by impressions` : 'Pins by impressions',
        pins: [
            ...ranked.slice(0, REPORT_TABLE_PINS).map((row) => ({
                pinId: row.pinId,
                url: row.url,
                title: row.title,
                imageUrl: row.imageUrl,
                metrics: {
                    ...lifetimeOnly(row),
                    ...row.summary,
                    saveRate: row.saveRate,
                    clickThroughRate: row.clickThroughRate,
                    outboundClickRate: row.outboundClickRate,
                },
            })),
            ...empty.slice(0, REPORT_TABLE_PINS).map((row) => ({
                pinId: row.pinId,
                url: row.url,
                title: row.title,
                imageUrl: row.imageUrl,
                metrics: {},
                noData: row.note ?? 'No analytics in this range.',
            })),
        ],
        tableMetrics: [...metrics.slice(0, 4), 'saveRate', 'clickThroughRate', 'outboundClickRate', ...lifetimeKeys],
        notes: empty.length > 0 ? [emptyPinsNote(empty.length, rows.length)] : [],
        boards: boards?.length
            ? {
                  metrics: [...metrics.slice(0, 4), 'saveRate', 'clickThroughRate', 'outboundClickRate'],
                  rows: [...boards]
                      .sort((a, b) => (b.summary.impression ?? 0) - (a.summary.impression ?? 0))
                      .map((board) => ({
                          boardId: board.boardId,
                          name: board.boardName,
                          pins: board.pins,
                          pinsWithData: board.pinsWithData,
                          metrics: {
                              ...board.summary,
                              saveRate: board.saveRate,
                              clickThroughRate: board.clickThroughRate,
                              outboundClickRate: board.outboundClickRate,
                          },
                      })),
              }
            : undefined,
    };
}

/** The boards' summary rows of get-pin-analytics (groupBy "board"): sums of their pins' rows with numbers. */
export function boardSummaries(rows: readonly PinAnalyticsItem[], names: ReadonlyMap<string, string>, range: DateRange): BoardAnalyticsItem[] {
    const byBoard = new Map<string, PinAnalyticsItem[]>();
    for (const row of rows) {
        const board = row.boardId ?? 'unknown';
        byBoard.set(board, [...(byBoard.get(board) ?? []), row]);
    }
    return [...byBoard].map(([boardId, pins]) => {
        const summary: Metrics = {};
        for (const row of pins) if (row.hasData) addInto(summary, row.summary);
        return {
            type: 'boardAnalytics' as const,
            boardId,
            boardName: names.get(boardId) ?? null,
            startDate: range.startDate,
            endDate: range.endDate,
            pins: pins.length,
            pinsWithData: pins.filter((row) => row.hasData).length,
            summary,
            ...rates(summary),
        };
    });
}

/** Says that pins without numbers are in the table on purpose, and where. */
function emptyPinsNote(empty: number, total: number): string {
    if (empty === total)
        return total === 1
            ? 'The pin has no analytics in this range: it is listed without numbers.'
            : `None of the ${total} pins has analytics in this range: they are listed without numbers.`;
    return `${empty} of the ${total} pins ${empty === 1 ? 'has' : 'have'} no analytics in this range: ${empty === 1 ? 'it is' : 'they are'} listed at the end of the table, without numbers.`;
}

/** A counter as a snapshot found it on a day. */
export interface GrowthPoint {
    date: string;
    value: number;
}

export interface AccountReportInput {
    rows: readonly AccountAnalyticsItem[];
    summary: Metrics;
    topPins: readonly TopPin[];
    /** The account's top video pins, when it has any. */
    topVideoPins?: readonly TopPin[];
    /** Why there are no top pins (the range is older than Pinterest ranks them). */
    topNote?: string;
    sortBy: string;
    /** The user's accountMetricTypes: rates they named are charted, not only totalled. */
    metricTypes?: readonly string[];
    range: DateRange;
    heading: ReportHeading;
    generatedAt: string;
    previous?: Pick<Comparison, 'range' | 'totals' | 'currentTotals' | 'pairedDays'> & { rows?: readonly AccountAnalyticsItem[] };
    previousNote?: string;
    /** What the range is compared with (default the period just before). */
    compareTo?: 'previousPeriod' | 'previousYear';
    /** Days of the range without numbers, with the history's reason. */
    missing?: readonly MissingDays[];
    /** The account's counters from the history's snapshots in the range. */
    growth?: { followers: readonly GrowthPoint[]; monthlyViews: readonly GrowthPoint[] };
    /** Add the month-by-month table (ranges longer than a month, of the whole account). */
    monthly?: boolean;
    /** The first day Pinterest answered for: days before it are the history's, as a snapshot last stored them. */
    pinterestFrom?: string;
}

export function accountReportData(input: AccountReportInput): ReportData {
    const splits = new Map<string, AccountAnalyticsItem[]>();
    for (const row of input.rows) splits.set(row.split, [...(splits.get(row.split) ?? []), row]);
    const keys = input.rows.flatMap((row) => Object.keys(row.metrics));
    const counts = countsOf(keys);
    const rateKeys = ratesOf(keys);
    const days = sumDays(input.range, [...splits.values()]);
    // Days the history has no numbers for say why, so the charts shade them with the reason rather than "no data".
    const missing = new Map((input.missing ?? []).flatMap((part) => datesOf(part).map((date) => [date, part.reason] as const)));
    for (const day of days) if (!hasNumbers(day) && missing.has(day.date)) day.dataStatus = missing.get(day.date) ?? null;
    // One series keeps Pinterest's own daily rates; rates of several splits are worked out from their summed counts.
    const only = splits.size === 1 ? [...splits.values()][0] : undefined;
    const rateOfDay = new Map(only?.map((row) => [row.date, row.metrics]));
    for (const day of days) {
        if (!hasNumbers(day) && !only) continue;
        const own = rateOfDay.get(day.date);
        Object.assign(day.metrics, only ? Object.fromEntries(rateKeys.map((key) => [key, own?.[key] ?? null])) : derivedRates(day.metrics, rateKeys));
    }
    const withRates = (totals: Metrics) => ({ ...derivedRates(totals, rateKeys), ...totals });
    const totals = withRates(input.summary);
    const chartedRates = counts.length === 0 || input.metricTypes?.some((name) => /_RATE$/.test(name)) ? rateKeys : [];
    const uncombined = rateKeys.filter((key) => typeof totals[key] !== 'number');

    const sortKey = input.sortBy.toLowerCase().replace(/_([a-z])/g, (_match, next: string) => next.toUpperCase());
    const topMetrics = [...new Set(input.topPins.flatMap((pin) => Object.keys(pin.metrics)))];
    const videoMetrics = [...new Set((input.topVideoPins ?? []).flatMap((pin) => Object.keys(pin.metrics)))];
    const videoSort = input.topVideoPins?.length && videoMetrics.includes(sortKey) ? sortKey : 'impression';
    const asReportPin = (pin: TopPin): ReportPin => ({
        pinId: pin.pinId,
        url: pin.url,
        title: pin.title,
        imageUrl: pin.imageUrl,
        metrics: pin.metrics,
    });
    const compareLabel =
        input.compareTo === 'previousYear'
            ? 'the same days a year earlier'
            : `the ${daysBetween(input.range.startDate, input.range.endDate)} days before`;
    return {
        ...heading('Account analytics', input.heading),
        range: input.range,
        generatedAt: input.generatedAt,
        metrics: [...counts, ...chartedRates.filter((key) => !uncombined.includes(key))],
        totalsShown: [...counts, ...rateKeys.filter((key) => !uncombined.includes(key))],
        days,
        totals,
        previous: input.previous
            ? {
                  range: input.previous.range,
                  totals: withRates(input.previous.totals),
                  currentTotals: input.previous.currentTotals ? withRates(input.previous.currentTotals) : undefined,
                  pairedDays: input.previous.pairedDays,
              }
            : undefined,
        previousNote: input.previousNote,
        compareLabel,
        beforeCreated: 'before the account had pins',
        pinsTitle: `Top pins by ${sortWords(sortKey)}`,
        pins: input.topPins.map(asReportPin),
        pinsNote: input.topNote,
        tableMetrics: [sortKey, ...countsOf(topMetrics).filter((key) => key !== sortKey), ...ratesOf(topMetrics)],
        videoPins: input.topVideoPins?.length
            ? {
                  title: `Top video pins by ${sortWords(videoSort)}`,
                  pins: input.topVideoPins.map(asReportPin),
                  metrics: [videoSort, ...ordered(videoMetrics).filter((key) => key !== videoSort && !IS_RATE.test(key))],
              }
            : undefined,
        growth: growthSeries(input.growth),
        pinterestFrom: input.pinterestFrom,
        months: input.monthly ? monthRows(input, days, compareLabel) : undefined,
        notes:
            uncombined.length > 0
                ? [
                      "Rates of several split values cannot be combined without the counts they come from, so the report has none: add IMPRESSION and the counts behind the rates to accountMetricTypes, or use no split. The dataset has each split value's own rates.",
                  ]
                : [],
    };
}

/** "impressions", "pin clicks", "saves": a metric key as the table's title says it. */
const sortWords = (key: string) => `${key === 'pinClick' ? 'pin clicks' : key.replace(/([A-Z])/g, ' $1').toLowerCase()}s`.replace(/ss$/, 's');

function growthSeries(growth: AccountReportInput['growth']): ReportData['growth'] {
    if (!growth || (growth.followers.length === 0 && growth.monthlyViews.length === 0)) return undefined;
    return [
        { key: 'followerCount', points: [...growth.followers] },
        { key: 'monthlyViews', points: [...growth.monthlyViews] },
    ].filter((series) => series.points.length > 0);
}

/** The range month by month: each month's counts, its days with numbers, the counters at its last snapshot, and the comparison. */
function monthRows(input: AccountReportInput, days: readonly ReportDay[], compareLabel: string): ReportData['months'] {
    const counts = countsOf(days.flatMap((day) => Object.keys(day.metrics)));
    const last = (points: readonly GrowthPoint[] | undefined, month: string) =>
        [...(points ?? [])].reverse().find((point) => point.date.startsWith(month))?.value ?? null;
    // The day each day is compared with, as the totals pair them: in order from the first day of each period.
    const previousByDate = new Map<string, Metrics>();
    for (const row of input.previous?.rows ?? []) {
        const entry = previousByDate.get(row.date) ?? {};
        addInto(entry, row.metrics);
        previousByDate.set(row.date, entry);
    }
    const rows = new Map<string, MonthRow>();
    for (const [offset, day] of days.entries()) {
        const month = day.date.slice(0, 7);
        const row = rows.get(month) ?? {
            month,
            days: 0,
            daysWithData: 0,
            metrics: {},
            followerCount: last(input.growth?.followers, month),
            monthlyViews: last(input.growth?.monthlyViews, month),
        };
        rows.set(month, row);
        row.days += 1;
        if (!hasNumbers(day)) continue;
        row.daysWithData += 1;
        addInto(row.metrics, day.metrics);
        const counterpart =
            input.compareTo === 'previousYear' && input.previous && previousByDate.get(addDays(input.previous.range.startDate, offset));
        if (counterpart && typeof day.metrics.impression === 'number' && typeof counterpart.impression === 'number') {
            row.compared ??= { current: 0, previous: 0, days: 0 };
            row.compared.days += 1;
            row.compared.current += day.metrics.impression;
            row.compared.previous += counterpart.impression;
        }
    }
    // Month against month only a year apart: the period just before a long range is no month's counterpart.
    const compared = input.compareTo === 'previousYear' && input.previous;
    return { metrics: counts.slice(0, 5), rows: [...rows.values()], compareLabel: compared ? compareLabel : undefined };
}
