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
