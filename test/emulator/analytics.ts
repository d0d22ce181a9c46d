/**
 * Organic analytics for the emulator: `GET /pins/{pin_id}/analytics`, `GET /pins/analytics` (multi-pin),
 * `GET /user_account/analytics`, `GET /user_account/analytics/top_pins` and `.../top_video_pins`.
 *
 * Numbers are a pure function of pin id and day (numbers.ts), so tests can recompute them ({@link pinDailyMetrics}): a base
 * level per pin, a weekday rhythm (weekends high, Mondays low), day-to-day noise and now and then a day with no
 * activity at all. The two most recent days are not final (yesterday and today `PROCESSING`, the day before
 * `ESTIMATE`), days before a pin was created are `BEFORE_PIN_CREATED` with zeros. Summaries are the sums of the
 * days (rates recomputed from those sums), answers are keyed by split value (`all` without a split), comments and
 * reactions come only in `lifetime_metrics`. Rules Pinterest enforces: the start at most 90 days back ("You can
 * only get data from the last 90 days."), the end not before the start and at most 90 days after it. The
 * multi-pin endpoint is a gated beta: apps or tokens listed in {@link analyticsSettings} get 401 code 3.
 */
import { ApiError, type HandlerContext, type HandlerResult } from './handlers.js';
import { dataStatusOf, dateOf, dayOf, parseDay, pinDailyMetrics, pinLifetimeMetrics } from './numbers.js';
import type { AccessTokenRecord, EmulatorState, PinRecord } from './state.js';

const DAY_MS = 86_400_000;

export { accountCountersOn, dataStatusOf, dateOf, dayOf, pinDailyMetrics, pinLifetimeMetrics } from './numbers.js';
export const MAX_DAYS_BACK = 90;
export const MAX_RANGE_DAYS = 90;
export const MESSAGES = {
    tooOld: 'You can only get data from the last 90 days.',
    endBeforeStart: 'end_date must be the same as or after start_date.',
    tooLong: 'The date range may span at most 90 days: end_date must be at most 90 days after start_date.',
    multiPinRestricted:
        'Your application does not have access to this feature (multi-pin analytics is in closed beta). Please contact Pinterest to request access.',
    videoOnly: 'Video metrics are only available for video Pins.',
    pinNotFound: 'Pin not found.',
} as const;

/** Per-emulator switches, kept beside the state rather than in it. */
export interface AnalyticsSettings {
    /** Apps whose tokens get the restricted answer from `GET /pins/analytics`. */
    multiPinDeniedApps: Set<string>;
    /** Individual access tokens that get it (by full token value). */
    multiPinDeniedTokens: Set<string>;
}

const settingsByState = new WeakMap<EmulatorState, AnalyticsSettings>();

export function analyticsSettings(state: EmulatorState): AnalyticsSettings {
    let settings = settingsByState.get(state);
    if (!settings) settingsByState.set(state, (settings = { multiPinDeniedApps: new Set(), multiPinDeniedTokens: new Set() }));
    return settings;
}

// ---------------------------------------------------------------- the numbers

const VIDEO_METRICS = new Set([
    'VIDEO_MRC_VIEW',
    'VIDEO_10S_VIEW',
    'QUARTILE_95_PERCENT_VIEW',
    'VIDEO_V50_WATCH_TIME',
    'VIDEO_START',
    'VIDEO_AVG_WATCH_TIME',
]);
const LIFETIME_ONLY = new Set(['TOTAL_COMMENTS', 'TOTAL_REACTIONS']);
const ratio = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1e6) / 1e6 : 0);

/** Rates and averages of a day or a summary, from its counters. */
function withDerived(counts: Record<string, number>, wanted: ReadonlySet<string>): Record<string, number> {
    const all: Record<string, number> = {
        ...counts,
        SAVE_RATE: ratio(counts.SAVE ?? 0, counts.IMPRESSION ?? 0),
        PIN_CLICK_RATE: ratio(counts.PIN_CLICK ?? 0, counts.IMPRESSION ?? 0),
        OUTBOUND_CLICK_RATE: ratio(counts.OUTBOUND_CLICK ?? 0, counts.IMPRESSION ?? 0),
        ENGAGEMENT: (counts.SAVE ?? 0) + (counts.PIN_CLICK ?? 0) + (counts.OUTBOUND_CLICK ?? 0),
        VIDEO_AVG_WATCH_TIME: Math.round(ratio(counts.VIDEO_V50_WATCH_TIME ?? 0, counts.VIDEO_START ?? 0) * 100) / 100,
    };
    all.ENGAGEMENT_RATE = ratio(all.ENGAGEMENT ?? 0, counts.IMPRESSION ?? 0);
    return Object.fromEntries(Object.entries(all).filter(([name]) => wanted.has(name)));
}

function sumInto(target: Record<string, number>, source: Record<string, number>): void {
    for (const [name, value] of Object.entries(source)) target[name] = (target[name] ?? 0) + value;
}

interface Range {
    start: number;
    end: number;
}

/** The 90-day rule and the range's shape; `today` in days since the epoch. */
function checkRange(query: Record<string, unknown>, today: number): Range {
    const start = parseDay(String(query.start_date));
    const end = parseDay(String(query.end_date));
    if (start < today - MAX_DAYS_BACK) throw new ApiError(400, 1, MESSAGES.tooOld);
    if (end < start) throw new ApiError(400, 1, MESSAGES.endBeforeStart);
    if (end - start > MAX_RANGE_DAYS) throw new ApiError(400, 1, MESSAGES.tooLong);
    return { start, end };
}

const listOf = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

/** One pin's block over the range: its days, their sum, and the lifetime counters asked for. */
function pinBlock(pin: PinRecord, range: Range, today: number, metricTypes: string[]) {
    const video = (pin.media as { media_type: string }).media_type === 'video';
    const wanted = new Set(metricTypes.filter((name) => !LIFETIME_ONLY.has(name)));
    const createdDay = dayOf(pin.createdAt);
    const totals: Record<string, number> = {};
    const daily = [];
    for (let day = range.start; day <= range.end; day += 1) {
        const status = dataStatusOf(day, today, createdDay);
        const counts =
            status === 'BEFORE_PIN_CREATED' ? zeroed(pinDailyMetrics(pin.id, dateOf(day), video)) : pinDailyMetrics(pin.id, dateOf(day), video);
        sumInto(totals, counts);
        daily.push({ date: dateOf(day), data_status: status, metrics: withDerived(counts, wanted) });
    }
    const lifetime = Object.fromEntries(Object.entries(pinLifetimeMetrics(pin.id)).filter(([name]) => metricTypes.includes(name)));
    return { daily_metrics: daily, summary_metrics: withDerived(totals, wanted), lifetime_metrics: lifetime };
}

const zeroed = (metrics: Record<string, number>) => Object.fromEntries(Object.keys(metrics).map((name) => [name, 0]));

// ---------------------------------------------------------------- handlers

function tokenOf(ctx: HandlerContext): AccessTokenRecord {
    if (!ctx.token) throw new Error(`${ctx.operation.operationId} needs a bearer token`);
    return ctx.token;
}

/** The token's own pin, on a board it may see; undefined otherwise (as for a pin that does not exist). */
function ownPin(ctx: HandlerContext, pinId: string): PinRecord | undefined {
    const token = tokenOf(ctx);
    const pin = ctx.state.pinRecord(pinId);
    const board = pin && ctx.state.boardRecord(pin.boardId);
    if (!pin || !board || board.ownerId !== token.userId) return undefined;
    if (board.privacy === 'SECRET' && !(token.scopes.includes('boards:read_secret') && token.scopes.includes('pins:read_secret'))) return undefined;
    return pin;
}

function checkVideoMetrics(pins: PinRecord[], metricTypes: string[]): void {
    if (!metricTypes.some((name) => VIDEO_METRICS.has(name))) return;
    if (pins.some((pin) => (pin.media as { media_type: string }).media_type !== 'video')) throw new ApiError(400, 1, MESSAGES.videoOnly);
}

function pinAnalytics(ctx: HandlerContext): HandlerResult {
    const today = dayOf(ctx.now());
    const range = checkRange(ctx.query, today);
    const pin = ownPin(ctx, ctx.pathParams.pin_id ?? '');
    if (!pin) throw new ApiError(404, 50, MESSAGES.pinNotFound);
    const metricTypes = listOf(ctx.query.metric_types);
    checkVideoMetrics([pin], metricTypes);
    if (ctx.query.split_field === 'APP_TYPE') {
        const block = pinBlock(pin, range, today, metricTypes);
        return { status: 200, body: Object.fromEntries(APP_SHARES.map(([app, share]) => [app, scaleBlock(block, share)])) };
    }
    return { status: 200, body: { all: pinBlock(pin, range, today, metricTypes) } };
}

function multiPinAnalytics(ctx: HandlerContext): HandlerResult {
    const token = tokenOf(ctx);
    const settings = analyticsSettings(ctx.state);
    if (settings.multiPinDeniedApps.has(token.appId) || settings.multiPinDeniedTokens.has(token.token))
        throw new ApiError(401, 3, MESSAGES.multiPinRestricted);
    const today = dayOf(ctx.now());
    const range = checkRange(ctx.query, today);
    const metricTypes = listOf(ctx.query.metric_types);
    const pins = listOf(ctx.query.pin_ids)
        .map((id) => ownPin(ctx, id))
        .filter((pin): pin is PinRecord => pin !== undefined);
    checkVideoMetrics(pins, metricTypes);
    // Pins without any activity in the range are left out, as Pinterest does.
    const body: Record<string, unknown> = {};
    for (const pin of pins) {
        const block = pinBlock(pin, range, today, metricTypes);
        if (block.daily_metrics.some((day) => day.data_status !== 'BEFORE_PIN_CREATED')) body[pin.id] = { all: block };
    }
    return { status: 200, body };
}

/** How an account's numbers split by app type; the shares of one value add up to it exactly. */
const APP_SHARES: ReadonlyArray<readonly [string, number]> = [
    ['MOBILE', 0.68],
    ['TABLET', 0.07],
    ['WEB', 0.25],
];

function splitCount(value: number, app: string): number {
    const mobile = Math.floor(value * 0.68);
    const tablet = Math.floor(value * 0.07);
    return app === 'MOBILE' ? mobile : app === 'TABLET' ? tablet : value - mobile - tablet;
}

function scaleCounts(counts: Record<string, number>, app: string): Record<string, number> {
    return Object.fromEntries(Object.entries(counts).map(([name, value]) => [name, /RATE|AVG/.test(name) ? value : splitCount(value, app)]));
}

function scaleBlock<
    B extends {
        daily_metrics: Array<{ date: string; data_status: string; metrics: Record<string, number> }>;
        summary_metrics: Record<string, number>;
    },
>(block: B, share: number): B {
    const app = APP_SHARES.find(([, value]) => value === share)?.[0] ?? 'WEB';
    return {
        ...block,
        daily_metrics: block.daily_metrics.map((day) => ({ ...day, metrics: scaleCounts(day.metrics, app) })),
        summary_metrics: scaleCounts(block.summary_metrics, app),
    };
}

const ACCOUNT_METRICS = [
    'IMPRESSION',
    'SAVE',
    'PIN_CLICK',
    'OUTBOUND_CLICK',
    'ENGAGEMENT',
    'ENGAGEMENT_RATE',
    'OUTBOUND_CLICK_RATE',
    'PIN_CLICK_RATE',
    'SAVE_RATE',
];

/** The account's counters per day: the sums of its pins' (only what an app type saw, when one is asked for). */
function accountDays(ctx: HandlerContext, range: Range, app: string | undefined): Array<{ day: number; counts: Record<string, number> }> {
    const pins = ctx.state.pinRecordsOf(tokenOf(ctx).userId);
    const days = [];
    for (let day = range.start; day <= range.end; day += 1) {
        const counts: Record<string, number> = {};
        for (const pin of pins) {
            if (day < dayOf(pin.createdAt)) continue;
            const { IMPRESSION = 0, SAVE = 0, PIN_CLICK = 0, OUTBOUND_CLICK = 0 } = pinDailyMetrics(pin.id, dateOf(day));
            sumInto(counts, { IMPRESSION, SAVE, PIN_CLICK, OUTBOUND_CLICK });
        }
        for (const name of ['IMPRESSION', 'SAVE', 'PIN_CLICK', 'OUTBOUND_CLICK']) counts[name] ??= 0;
        days.push({ day, counts: app && app !== 'ALL' ? scaleCounts(counts, app) : counts });
    }
    return days;
}

function accountBlock(days: Array<{ day: number; counts: Record<string, number> }>, today: number, wanted: ReadonlySet<string>) {
    const totals: Record<string, number> = {};
    for (const { counts } of days) sumInto(totals, counts);
    return {
        daily_metrics: days.map(({ day, counts }) => ({
            date: dateOf(day),
            data_status: dataStatusOf(day, today),
            metrics: withDerived(counts, wanted),
        })),
        summary_metrics: withDerived(totals, wanted),
    };
}

function accountAnalytics(ctx: HandlerContext): HandlerResult {
    const today = dayOf(ctx.now());
    const range = checkRange(ctx.query, today);
    const requested = listOf(ctx.query.metric_types);
    const wanted = new Set(requested.length > 0 ? requested : ACCOUNT_METRICS);
    const app = typeof ctx.query.app_types === 'string' ? ctx.query.app_types : undefined;
    const split = ctx.query.split_field ?? 'NO_SPLIT';
    if (split === 'NO_SPLIT') return { status: 200, body: { all: accountBlock(accountDays(ctx, range, app), today, wanted) } };
    if (split !== 'APP_TYPE') throw new ApiError(400, 1, `split_field ${String(split)} is not modelled by the emulator (NO_SPLIT and APP_TYPE are).`);
    const days = accountDays(ctx, range, undefined);
    const body = Object.fromEntries(
        APP_SHARES.filter(([name]) => !app || app === 'ALL' || app === name).map(([name]) => [
            name,
            accountBlock(
                days.map(({ day, counts }) => ({ day, counts: scaleCounts(counts, name) })),
                today,
                wanted,
            ),
        ]),
    );
    return { status: 200, body };
}

function topPins(ctx: HandlerContext): HandlerResult {
    const today = dayOf(ctx.now());
    const range = checkRange(ctx.query, today);
    const requested = listOf(ctx.query.metric_types);
    const wanted = new Set(requested.length > 0 ? requested : ['IMPRESSION', 'SAVE', 'PIN_CLICK', 'OUTBOUND_CLICK', 'ENGAGEMENT']);
    const sortBy = String(ctx.query.sort_by);
    wanted.add(sortBy);
    const limit = typeof ctx.query.num_of_pins === 'number' ? ctx.query.num_of_pins : 10;
    const app = typeof ctx.query.app_types === 'string' ? ctx.query.app_types : undefined;
    const createdSince = ctx.query.created_in_last_n_days === 30 ? today - 30 : -Infinity;
    const ranked = ctx.state
        .pinRecordsOf(tokenOf(ctx).userId)
        .filter((pin) => dayOf(pin.createdAt) >= createdSince)
        .map((pin) => {
            const totals: Record<string, number> = {};
            for (let day = Math.max(range.start, dayOf(pin.createdAt)); day <= range.end; day += 1) {
                const { IMPRESSION = 0, SAVE = 0, PIN_CLICK = 0, OUTBOUND_CLICK = 0 } = pinDailyMetrics(pin.id, dateOf(day));
                sumInto(totals, { IMPRESSION, SAVE, PIN_CLICK, OUTBOUND_CLICK });
            }
            const counts = withDerived(app && app !== 'ALL' ? scaleCounts(totals, app) : totals, wanted);
            return { pin, counts };
        })
        .sort((a, b) => (b.counts[sortBy] ?? 0) - (a.counts[sortBy] ?? 0) || b.pin.seq - a.pin.seq)
        .slice(0, limit);
    const latest = dataStatusOf(range.end, today) === 'READY' ? (range.end + 1) * DAY_MS - 1 : (today - 2) * DAY_MS - 1;
    return {
        status: 200,
        body: {
            date_availability: { is_realtime: false, latest_available_timestamp: latest },
            pins: ranked.map(({ pin, counts }) => ({
                pin_id: pin.id,
                metrics: counts,
                data_status: Object.fromEntries(Object.keys(counts).map((name) => [name, dataStatusOf(range.end, today)])),
            })),
            sort_by: sortBy,
        },
    };
}

/** The metrics `top_video_pins` answers without `metric_types`: all of its list. */
const VIDEO_PIN_METRICS = [
    'IMPRESSION',
    'SAVE',
    'OUTBOUND_CLICK',
    'VIDEO_MRC_VIEW',
    'VIDEO_AVG_WATCH_TIME',
    'VIDEO_V50_WATCH_TIME',
    'QUARTILE_95_PERCENT_VIEW',
    'VIDEO_10S_VIEW',
    'VIDEO_START',
];

/** The account's video pins ranked by one metric over the range, with their video metrics (image pins never appear). */
function topVideoPins(ctx: HandlerContext): HandlerResult {
    const today = dayOf(ctx.now());
    const range = checkRange(ctx.query, today);
    const requested = listOf(ctx.query.metric_types);
    const sortBy = String(ctx.query.sort_by);
    const wanted = new Set([...(requested.length > 0 ? requested : VIDEO_PIN_METRICS), sortBy]);
    const limit = typeof ctx.query.num_of_pins === 'number' ? ctx.query.num_of_pins : 10;
    const app = typeof ctx.query.app_types === 'string' ? ctx.query.app_types : undefined;
    const createdSince = ctx.query.created_in_last_n_days === 30 ? today - 30 : -Infinity;
    const ranked = ctx.state
        .pinRecordsOf(tokenOf(ctx).userId)
        .filter((pin) => (pin.media as { media_type: string }).media_type === 'video' && dayOf(pin.createdAt) >= createdSince)
        .map((pin) => {
            const totals: Record<string, number> = {};
            for (let day = Math.max(range.start, dayOf(pin.createdAt)); day <= range.end; day += 1)
                sumInto(totals, pinDailyMetrics(pin.id, dateOf(day), true));
            const counts = withDerived(app && app !== 'ALL' ? scaleCounts(totals, app) : totals, wanted);
            return { pin, counts };
        })
        .sort((a, b) => (b.counts[sortBy] ?? 0) - (a.counts[sortBy] ?? 0) || b.pin.seq - a.pin.seq)
        .slice(0, limit);
    const status = dataStatusOf(range.end, today);
    return {
        status: 200,
        body: {
            date_availability: {
                is_realtime: false,
                latest_available_timestamp: status === 'READY' ? (range.end + 1) * DAY_MS - 1 : (today - 2) * DAY_MS - 1,
            },
            pins: ranked.map(({ pin, counts }) => ({
                pin_id: pin.id,
                metrics: counts,
                data_status: Object.fromEntries(Object.keys(counts).map((name) => [name, status])),
            })),
            sort_by: sortBy,
        },
    };
}

export const ANALYTICS_HANDLERS: Record<string, (ctx: HandlerContext) => HandlerResult> = {
    'pins/analytics': pinAnalytics,
    'multi_pins/analytics': multiPinAnalytics,
    'user_account/analytics': accountAnalytics,
    'user_account/analytics/top_pins': topPins,
    'user_account/analytics/top_video_pins': topVideoPins,
};
