import { z } from 'zod';

import { lenient, usableEntries } from './schemas.js';

/**
 * Analytics answers, after the OpenAPI description (PinAnalyticsResponse, BulkPinAnalyticsResponse,
 * AnalyticsResponse, TopPinsAnalyticsResponse), read for what the Actor uses. Metric maps take any name, since
 * Pinterest adds metrics, and a value that is not a number (null on days without data) is kept as null. The
 * description requires no field at all: a day without a `date` cannot be placed and is left out (counted in
 * `skippedDays`), as is a top pin without a `pin_id` (`skippedPins`); anything else missing reads as absent.
 */

/** `{IMPRESSION: 240, SAVE_RATE: 0.18}`; Pinterest's metric names, as sent. */
const metricMapSchema = z.record(z.string(), z.number().nullable().catch(null));
export type ApiMetricMap = z.infer<typeof metricMapSchema>;

export const dailyMetricsSchema = z.looseObject({
    date: z.string(),
    data_status: lenient(z.string()),
    metrics: lenient(metricMapSchema),
});
export type ApiDailyMetrics = z.infer<typeof dailyMetricsSchema>;

/** One split value's numbers: the days, their sum over the range and (for pins) lifetime counters. */
export interface ApiMetricsBlock {
    daily_metrics?: ApiDailyMetrics[] | null;
    summary_metrics?: ApiMetricMap | null;
    lifetime_metrics?: ApiMetricMap | null;
    /** Ours, not Pinterest's: days left out for want of a date (absent: none). */
    skippedDays?: number;
    [field: string]: unknown;
}

export const metricsBlockSchema = z
    .looseObject({
        daily_metrics: usableEntries(dailyMetricsSchema).optional().catch(undefined),
        summary_metrics: lenient(metricMapSchema),
        lifetime_metrics: lenient(metricMapSchema),
    })
    .transform(({ daily_metrics: days, ...rest }): ApiMetricsBlock => ({
        ...rest,
        daily_metrics: days?.items ?? [],
        skippedDays: days?.skipped ?? 0,
    }));

/** Keyed by split value: `all` without a split, `WEB`, `MOBILE`, ... with one. A value that is not a block is left out. */
export const splitMetricsSchema = z.record(z.string(), z.unknown()).transform((entries) => {
    const blocks: Record<string, ApiMetricsBlock> = {};
    for (const [split, value] of Object.entries(entries)) {
        const block = metricsBlockSchema.safeParse(value);
        if (block.success) blocks[split] = block.data;
    }
    return blocks;
});
export type ApiSplitMetrics = z.infer<typeof splitMetricsSchema>;

/** Days left out of an answer for want of a date, over all its split values. */
export const skippedDaysOf = (answer: ApiSplitMetrics): number => Object.values(answer).reduce((sum, block) => sum + (block.skippedDays ?? 0), 0);

/**
 * One pin's value in `GET /pins/analytics`, keyed by split value as the single-pin answer is. A value that already
 * is a metrics block (some answers skip the split level) is read as the `all` split, so both shapes read the same.
 */
export const pinInMultiPinSchema = z.union([
    z.looseObject({ daily_metrics: z.array(z.unknown()) }).transform((block) => ({ all: metricsBlockSchema.parse(block) })),
    splitMetricsSchema,
]);

/**
 * `GET /pins/analytics`: keyed by pin id; pins without data are left out. The values are read by the client, for
 * the pins it asked for only (a key that is not one of them is ignored).
 */
export const multiPinAnalyticsSchema = z.record(z.string(), z.unknown());

const topPinSchema = z.looseObject({
    pin_id: z.string(),
    metrics: lenient(metricMapSchema),
    data_status: lenient(z.record(z.string(), z.string())),
});

export const topPinsSchema = z
    .looseObject({
        date_availability: lenient(z.looseObject({ is_realtime: lenient(z.boolean()), latest_available_timestamp: lenient(z.number()) })),
        pins: usableEntries(topPinSchema).optional().catch(undefined),
        sort_by: lenient(z.string()),
    })
    .transform(({ pins, ...rest }) => ({ ...rest, pins: pins?.items ?? [], skippedPins: pins?.skipped ?? 0 }));
export type ApiTopPins = z.infer<typeof topPinsSchema>;
