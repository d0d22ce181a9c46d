/**
 * The emulator's numbers, a pure function of ids and days so that tests can recompute what Pinterest answered on
 * any day, whatever the clock did in between: pins' daily analytics (see analytics.ts) and the account's counters
 * of `GET /user_account`, which move day by day.
 */
import { createHash } from 'node:crypto';

const DAY_MS = 86_400_000;

/** Sunday first, as `getUTCDay()` counts. */
const WEEKDAY_FACTOR = [1.3, 0.8, 0.9, 0.95, 1.0, 1.05, 1.35];

/** A deterministic number in [0, 1) from the text. */
function unit(text: string): number {
    return createHash('md5').update(text).digest().readUInt32BE(0) / 2 ** 32;
}

export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);
export const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
export const parseDay = (date: string) => dayOf(Date.parse(`${date}T00:00:00Z`));

/** `data_status` of a day, seen on `today` (days since the epoch), for a pin created on `createdDay`. */
export function dataStatusOf(day: number, today: number, createdDay = -Infinity): string {
    if (day < createdDay) return 'BEFORE_PIN_CREATED';
    if (day >= today - 1) return 'PROCESSING';
    if (day === today - 2) return 'ESTIMATE';
    return 'READY';
}

/** A pin's impressions on one day: a level per pin, the weekday rhythm, noise, and now and then a quiet day. */
function impressionsOn(pinId: string, date: string): number {
    const day = parseDay(date);
    const base = 40 + Math.floor(unit(`base:${pinId}`) * 860);
    const weekday = WEEKDAY_FACTOR[new Date(day * DAY_MS).getUTCDay()] ?? 1;
    const noise = 0.7 + unit(`noise:${pinId}:${date}`) * 0.6;
    const quiet = unit(`quiet:${pinId}:${date}`) < 0.06;
    return quiet ? 0 : Math.round(base * weekday * noise);
}

/** Every counter of one pin on one day (standard and video), as Pinterest names them. */
export function pinDailyMetrics(pinId: string, date: string, video = false): Record<string, number> {
    const impression = impressionsOn(pinId, date);
    const share = (name: string, low: number, high: number) =>
        Math.floor(impression * (low + unit(`${name}:${pinId}`) * (high - low)) + unit(`${name}:${pinId}:${date}`));
    const save = share('save', 0.01, 0.06);
    const pinClick = share('pinClick', 0.02, 0.08);
    const outboundClick = share('outbound', 0.004, 0.03);
    const metrics: Record<string, number> = {
        IMPRESSION: impression,
        SAVE: save,
        PIN_CLICK: pinClick,
        OUTBOUND_CLICK: outboundClick,
        USER_FOLLOW: Math.floor(save / 12),
        PROFILE_VISIT: Math.floor(pinClick / 5),
    };
    if (video) {
        const start = Math.floor(impression * 0.3);
        const mrc = Math.floor(start * 0.6);
        const tenSeconds = Math.floor(mrc * 0.5);
        metrics.VIDEO_START = start;
        metrics.VIDEO_MRC_VIEW = mrc;
        metrics.VIDEO_10S_VIEW = tenSeconds;
        metrics.QUARTILE_95_PERCENT_VIEW = Math.floor(tenSeconds * 0.4);
        metrics.VIDEO_V50_WATCH_TIME = mrc * 2400 + tenSeconds * 3100;
    }
    return metrics;
}

/** Comments and reactions over the pin's life. */
export function pinLifetimeMetrics(pinId: string): Record<string, number> {
    const comments = Math.floor(unit(`comments:${pinId}`) * 40);
    return { TOTAL_COMMENTS: comments, TOTAL_REACTIONS: comments + Math.floor(unit(`reactions:${pinId}`) * 150) };
}

/** What the account's counters grow from: the user as created (its counts are those of its first day) and its pins. */
export interface CountedAccount {
    id: string;
    /** Epoch ms (emulator clock). */
    createdAt: number;
    followerCount: number;
    followingCount: number;
    monthlyViews: number;
    pins: ReadonlyArray<{ id: string; createdAt: number }>;
}

/** Days of impressions `monthly_views` adds up: the 30 days ending yesterday. */
const MONTHLY_VIEW_DAYS = 30;

/**
 * `follower_count`, `following_count` and `monthly_views` of `GET /user_account` on `day` (days since the epoch).
 * On the day the user was created they are the values it was created with; from then on the account gains 1 to 5
 * followers a day (its own rate, plus a little noise), follows one more account every ten days, and its monthly views
 * are those it was created with plus its pins' impressions over the 30 days ending the day before, as the analytics
 * endpoints report them, so the counters and the daily numbers tell one story.
 */
export function accountCountersOn(account: CountedAccount, day: number): { follower_count: number; following_count: number; monthly_views: number } {
    const days = Math.max(0, day - dayOf(account.createdAt));
    const rate = 1 + Math.floor(unit(`followers:${account.id}`) * 5);
    const noise = days > 0 ? Math.floor(unit(`followers:${account.id}:${day}`) * 3) : 0;
    let impressions = 0;
    for (let counted = day - MONTHLY_VIEW_DAYS; counted < day; counted += 1) {
        const date = dateOf(counted);
        for (const pin of account.pins) if (counted >= dayOf(pin.createdAt)) impressions += impressionsOn(pin.id, date);
    }
    return {
        follower_count: account.followerCount + days * rate + noise,
        following_count: account.followingCount + Math.floor(days / 10),
        monthly_views: account.monthlyViews + impressions,
    };
}
