import { z } from 'zod';

/** Analytics dataset rows (one per pin, one per account day) and the top-pins record; see src/items.ts. */

const metrics = z.record(z.string(), z.number().nullable());
const rate = z.number().nullable();

export const dailyMetricsItemSchema = z.object({ date: z.string(), dataStatus: z.string().nullable(), metrics });

export const pinAnalyticsItemSchema = z.object({
    type: z.literal('pinAnalytics'),
    pinId: z.string(),
    title: z.string().nullable(),
    url: z.string(),
    imageUrl: z.string().nullable(),
    mediaType: z.string().nullable(),
    /** The pin's board, when Pinterest said. */
    boardId: z.string().nullable(),
    /** Pins this Actor published (publishedSince): when, from the ledger's index (ISO 8601, UTC); null otherwise. */
    publishedAt: z.string().nullable(),
    startDate: z.string(),
    endDate: z.string(),
    /** How the numbers were fetched: `multiPin`, `perPin`, or `pinList` (quick: 90-day counters). */
    fetchedWith: z.enum(['multiPin', 'perPin', 'pinList']),
    /**
     * False when Pinterest has no numbers for the pin in the range (created after it, or left out of the multi-pin
     * answer): such a row is stored free, with `note` saying why, so the dataset still lists every pin asked for.
     */
    hasData: z.boolean(),
    note: z.string().nullable(),
    summary: metrics,
    lifetime: metrics,
    saveRate: rate,
    clickThroughRate: rate,
    outboundClickRate: rate,
    daily: z.array(dailyMetricsItemSchema),
});
export type PinAnalyticsItem = z.infer<typeof pinAnalyticsItemSchema>;

export const accountAnalyticsItemSchema = z.object({
    type: z.literal('accountAnalytics'),
    date: z.string(),
    dataStatus: z.string().nullable(),
    /** The split value: `all` without a split, else e.g. `WEB` or `MOBILE` for APP_TYPE. */
    split: z.string(),
    /** Where the numbers came from: Pinterest in this run, or the history snapshot-analytics kept (older than 90 days). */
    source: z.enum(['pinterest', 'history']),
    /** History rows: when a snapshot stored these numbers (ISO 8601, UTC); null for Pinterest's. */
    storedAt: z.string().nullable(),
    metrics,
});
export type AccountAnalyticsItem = z.infer<typeof accountAnalyticsItemSchema>;

export const topPinSchema = z.object({
    rank: z.number().int(),
    pinId: z.string(),
    url: z.string(),
    title: z.string().nullable(),
    imageUrl: z.string().nullable(),
    metrics,
    dataStatus: z.record(z.string(), z.string()),
});
export type TopPin = z.infer<typeof topPinSchema>;

const count = z.number().int().nullable();

/** snapshot-analytics: one row per account and run, saying what the snapshot stored. */
export const analyticsSnapshotItemSchema = z.object({
    type: z.literal('analyticsSnapshot'),
    accountId: z.string().nullable(),
    username: z.string().nullable(),
    /** When the snapshot ran (ISO 8601, UTC). */
    snapshotAt: z.string(),
    historyStore: z.string(),
    /** The days asked of Pinterest (missing from the history or not final yet); null when none were. */
    fetchedStartDate: z.string().nullable(),
    fetchedEndDate: z.string().nullable(),
    /** Days written because they were new or their numbers changed; 0 when the history had them all. */
    daysWritten: z.number().int(),
    daysFinal: z.number().int(),
    /** Days Pinterest may still change: later snapshots rewrite them. */
    daysPending: z.number().int(),
    /** Days found lost by this snapshot (no snapshot ran while Pinterest had them). */
    lostStartDate: z.string().nullable(),
    lostEndDate: z.string().nullable(),
    /** The history's first and last day of this account, as far as the records read show. */
    historyFirstDate: z.string().nullable(),
    historyLastDate: z.string().nullable(),
    followerCount: count,
    followingCount: count,
    monthlyViews: count,
    pinCount: count,
    boardCount: count,
    /** Pins whose 90-day and lifetime counters were recorded: published by this Actor (the ledger) or top pins. */
    publishedPins: z.number().int(),
    topPins: z.number().int(),
    pinsRecorded: z.number().int(),
    /** Records written to the history store (none when nothing changed). */
    recordsWritten: z.array(z.string()),
});
export type AnalyticsSnapshotItem = z.infer<typeof analyticsSnapshotItemSchema>;

/** get-pin-analytics with groupBy "board": one free summary row per board after the pins' rows. */
export const boardAnalyticsItemSchema = z.object({
    type: z.literal('boardAnalytics'),
    boardId: z.string(),
    boardName: z.string().nullable(),
    startDate: z.string(),
    endDate: z.string(),
    /** Pins of the board in the run, and how many of them had numbers in the range. */
    pins: z.number().int(),
    pinsWithData: z.number().int(),
    summary: metrics,
    saveRate: rate,
    clickThroughRate: rate,
    outboundClickRate: rate,
});
export type BoardAnalyticsItem = z.infer<typeof boardAnalyticsItemSchema>;
