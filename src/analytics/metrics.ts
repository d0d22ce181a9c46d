import type { ApiMetricMap, ApiMetricsBlock } from '../pinterest/analytics-schemas.js';

/** Metrics only video pins have (the OpenAPI enum's video part). */
const VIDEO_METRICS = [
    'VIDEO_MRC_VIEW',
    'VIDEO_10S_VIEW',
    'QUARTILE_95_PERCENT_VIEW',
    'VIDEO_V50_WATCH_TIME',
    'VIDEO_START',
    'VIDEO_AVG_WATCH_TIME',
] as const;

/** Metric names `GET /pins/{id}/analytics` takes (the OpenAPI enum, standard and video). */
export const PIN_METRIC_TYPES = [
    'IMPRESSION',
    'OUTBOUND_CLICK',
    'PIN_CLICK',
    'SAVE',
    'SAVE_RATE',
    'TOTAL_COMMENTS',
    'TOTAL_REACTIONS',
    'USER_FOLLOW',
    'PROFILE_VISIT',
    ...VIDEO_METRICS,
] as const;
export type PinMetricType = (typeof PIN_METRIC_TYPES)[number];

export const VIDEO_METRIC_TYPES: readonly PinMetricType[] = VIDEO_METRICS;
/** Metrics only video pins have: asked for a video pin only. */
const VIDEO_ONLY = new Set<string>(VIDEO_METRIC_TYPES);
/** Counters Pinterest sends only in `lifetime_metrics`. */
export const LIFETIME_METRIC_TYPES: readonly PinMetricType[] = ['TOTAL_COMMENTS', 'TOTAL_REACTIONS'];

export const DEFAULT_PIN_METRIC_TYPES: readonly PinMetricType[] = ['IMPRESSION', 'SAVE', 'PIN_CLICK', 'OUTBOUND_CLICK', ...LIFETIME_METRIC_TYPES];

/** Metric names `GET /user_account/analytics` takes. */
export const ACCOUNT_METRIC_TYPES = [
    'IMPRESSION',
    'SAVE',
    'PIN_CLICK',
    'OUTBOUND_CLICK',
    'ENGAGEMENT',
    'ENGAGEMENT_RATE',
    'OUTBOUND_CLICK_RATE',
    'PIN_CLICK_RATE',
    'SAVE_RATE',
] as const;
export const ACCOUNT_SPLIT_FIELDS = ['NO_SPLIT', 'APP_TYPE', 'OWNED_CONTENT', 'SOURCE', 'PIN_FORMAT'] as const;
export const TOP_PINS_SORT = ['IMPRESSION', 'ENGAGEMENT', 'SAVE', 'PIN_CLICK', 'OUTBOUND_CLICK'] as const;
export const APP_TYPES = ['ALL', 'MOBILE', 'TABLET', 'WEB'] as const;

/**
 * The metrics to ask for one pin: the user's list as given, or (when they gave none) the defaults plus the
 * video metrics for a video pin. Video metrics are never asked for an image pin.
 */
export function metricTypesFor(requested: readonly PinMetricType[] | undefined, isVideo: boolean): PinMetricType[] {
    const base = requested && requested.length > 0 ? [...requested] : [...DEFAULT_PIN_METRIC_TYPES, ...(isVideo ? VIDEO_METRIC_TYPES : [])];
    return isVideo ? base : base.filter((metric) => !VIDEO_ONLY.has(metric));
}

/** `IMPRESSION` → `impression`, `PIN_CLICK` → `pinClick`, `QUARTILE_95_PERCENT_VIEW` → `quartile95PercentView`: the keys of get-user-pins' metrics. */
export const metricKey = (name: string) => name.toLowerCase().replace(/_([a-z0-9])/g, (_match, next: string) => next.toUpperCase());

export type Metrics = Record<string, number | null>;

export function toMetrics(map: ApiMetricMap | null | undefined): Metrics {
    return Object.fromEntries(Object.entries(map ?? {}).map(([name, value]) => [metricKey(name), value]));
}

/**
 * The pin lists' counters (`pin_metrics`: pin_click, impression, clickthrough, reaction, comment) in the keys the
 * analytics endpoints' metrics get, so a quick row and a daily row can be read by the same code: `clickthrough`
 * is Pinterest's older name for outbound clicks, and reactions and comments are the lifetime counters
 * TOTAL_REACTIONS and TOTAL_COMMENTS. The others are already analytics names, in camelCase.
 */
const PIN_LIST_COUNTERS: Record<string, string> = {
    clickthrough: 'outboundClick',
    reaction: 'totalReactions',
    comment: 'totalComments',
};

export function pinListMetrics(counters: Record<string, unknown> | null | undefined): Metrics {
    return Object.fromEntries(
        Object.entries(counters ?? {}).map(([name, value]) => [PIN_LIST_COUNTERS[name] ?? metricKey(name), typeof value === 'number' ? value : null]),
    );
}

/** Statuses of days on which the pin had no numbers to give: it did not exist yet, or Pinterest no longer keeps the day. */
export const isNoDataStatus = (status: string | null | undefined) => typeof status === 'string' && status.startsWith('BEFORE_');

export interface DailyRow {
    date: string;
    dataStatus: string | null;
    metrics: Metrics;
}

export interface MergedMetrics {
    summary: Metrics;
    lifetime: Metrics;
    daily: DailyRow[];
}

/**
 * One block of Pinterest's answer in camelCase. Lifetime counters come only in `lifetime_metrics` and are kept
 * there, next to the range's summary; neither stands in for the other (reading the one where the numbers are
 * not is how per-pin analytics end up always empty).
 */
export function mergeBlock(block: ApiMetricsBlock | undefined): MergedMetrics {
    const lifetime = toMetrics(block?.lifetime_metrics);
    const summary = toMetrics(block?.summary_metrics);
    for (const key of Object.keys(lifetime)) delete summary[key];
    const daily = (block?.daily_metrics ?? []).map((day) => ({
        date: day.date,
        dataStatus: day.data_status ?? null,
        metrics: toMetrics(day.metrics),
    }));
    daily.sort((a, b) => a.date.localeCompare(b.date));
    return { summary, lifetime, daily };
}

/**
 * Whether Pinterest gave numbers for the range: a day the pin existed on, or (for answers without days, the quick
 * counters) any counter. A pin created after the range, or left out of the multi-pin answer, has none.
 */
export function hasRangeData(merged: Pick<MergedMetrics, 'summary' | 'daily'>): boolean {
    if (merged.daily.length > 0) return merged.daily.some((day) => !isNoDataStatus(day.dataStatus));
    return Object.values(merged.summary).some((value) => typeof value === 'number');
}

export interface Rates {
    /** Saves per impression. */
    saveRate: number | null;
    /** Pin clicks (close-ups) per impression. */
    clickThroughRate: number | null;
    /** Clicks to the pin's link per impression. */
    outboundClickRate: number | null;
}

const ratio = (part: number | null | undefined, whole: number | null | undefined) =>
    typeof part === 'number' && typeof whole === 'number' && whole > 0 ? Math.round((part / whole) * 1e6) / 1e6 : null;

/** Rates computed from the summary's counts (not Pinterest's rounded SAVE_RATE), null without impressions. */
export function rates(summary: Metrics): Rates {
    return {
        saveRate: ratio(summary.save, summary.impression),
        clickThroughRate: ratio(summary.pinClick, summary.impression),
        outboundClickRate: ratio(summary.outboundClick, summary.impression),
    };
}

/** Sums of daily counts per metric (for charts and checks; rates and averages are not summable and are skipped). */
export function sumDaily(daily: readonly DailyRow[]): Metrics {
    const totals: Metrics = {};
    for (const day of daily) {
        for (const [key, value] of Object.entries(day.metrics)) {
            if (/Rate$|Avg|WatchTime$/.test(key) || typeof value !== 'number') continue;
            totals[key] = (totals[key] ?? 0) + value;
        }
    }
    return totals;
}
