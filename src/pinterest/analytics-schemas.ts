import { z } from 'zod';

/**
 * Analytics answers, after the OpenAPI description (PinAnalyticsResponse, BulkPinAnalyticsResponse,
 * AnalyticsResponse, TopPinsAnalyticsResponse). Parsed leniently: metric maps take any name, since Pinterest adds
 * metrics, and a value that is not a number (null on days without data) is kept as null rather than failing the run.
 */

/** `{IMPRESSION: 240, SAVE_RATE: 0.18}`; Pinterest's metric names, as sent. */
const metricMapSchema = z.record(z.string(), z.number().nullable().catch(null));
export type ApiMetricMap = z.infer<typeof metricMapSchema>;

export const dailyMetricsSchema = z.looseObject({
    date: z.string(),
    data_status: z.string().nullish(),
    metrics: metricMapSchema.nullish(),
});
export type ApiDailyMetrics = z.infer<typeof dailyMetricsSchema>;

/** One split value's numbers: the days, their sum over the range and (for pins) lifetime counters. */
export const metricsBlockSchema = z.looseObject({
    daily_metrics: z.array(dailyMetricsSchema).nullish(),
    summary_metrics: metricMapSchema.nullish(),
    lifetime_metrics: metricMapSchema.nullish(),
});
export type ApiMetricsBlock = z.infer<typeof metricsBlockSchema>;

/** Keyed by split value: `all` without a split, `WEB`, `MOBILE`, ... with one. */
export const splitMetricsSchema = z.record(z.string(), metricsBlockSchema);
export type ApiSplitMetrics = z.infer<typeof splitMetricsSchema>;

/**
 * `GET /pins/analytics`: keyed by pin id, each keyed by split value as the single-pin answer is. Pins without data
 * are left out. A pin's value is taken as it comes when it already is a metrics block (some answers skip the
 * split level), so both shapes read the same.
 */
export const multiPinAnalyticsSchema = z.record(
    z.string(),
    z.union([
        z.looseObject({ daily_metrics: z.array(dailyMetricsSchema) }).transform((block) => ({ all: metricsBlockSchema.parse(block) })),
        splitMetricsSchema,
    ]),
);

export const topPinsSchema = z.looseObject({
    date_availability: z.looseObject({ is_realtime: z.boolean().nullish(), latest_available_timestamp: z.number().nullish() }).nullish(),
    pins: z
        .array(
            z.looseObject({
                pin_id: z.string(),
                metrics: metricMapSchema.nullish(),
                data_status: z.record(z.string(), z.string()).nullish(),
            }),
        )
        .nullish(),
    sort_by: z.string().nullish(),
});
export type ApiTopPins = z.infer<typeof topPinsSchema>;
