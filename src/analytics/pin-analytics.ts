import type { Log } from '../common/log.js';
import type { PinAnalyticsItem } from '../output/analytics-items.js';
import { type DateRange } from './dates.js';
import { hasRangeData, mergeBlock, type Metrics, type MergedMetrics, metricTypesFor, pinListMetrics, type PinMetricType, rates } from './metrics.js';
import { largestImageUrl, pinUrl, utcTimestamp } from '../output/items.js';
import type { ApiSplitMetrics } from '../pinterest/analytics-schemas.js';
import { MAX_PAGE_SIZE, type PinterestClient } from '../pinterest/client.js';
import { PinterestError } from '../pinterest/errors.js';
import type { Pin } from '../pinterest/schemas.js';

/**
 * The pins of `ids`, by whichever costs fewer requests: one `GET /pins/{id}` each, or the account's pin list (one
 * request per 250 of `accountPinCount`) filtered to them. A pin Pinterest does not show (deleted, someone else's) is
 * `missing`.
 */
export async function pinsById(
    client: Pick<PinterestClient, 'getPin' | 'listPins'>,
    ids: readonly string[],
    { accountPinCount, pinMetrics = false }: { accountPinCount?: number; pinMetrics?: boolean },
): Promise<{ pins: Map<string, Pin>; missing: string[] }> {
    const wanted = new Set(ids);
    const pins = new Map<string, Pin>();
    const listRequests = accountPinCount === undefined ? Infinity : Math.max(1, Math.ceil(accountPinCount / MAX_PAGE_SIZE));
    if (wanted.size > 0 && listRequests < wanted.size) {
        for await (const page of client.listPins({ maxItems: Number.MAX_SAFE_INTEGER, pinMetrics })) {
            for (const pin of page.items) if (wanted.has(pin.id)) pins.set(pin.id, pin);
            if (pins.size === wanted.size) break;
        }
    } else {
        for (const id of wanted) {
            try {
                pins.set(id, await client.getPin(id, { pinMetrics }));
            } catch (error) {
                if (!(error instanceof PinterestError && (error.kind === 'not-found' || error.status === 403))) throw error;
            }
        }
    }
    return { pins, missing: [...wanted].filter((id) => !pins.has(id)) };
}

/** `GET /pins/analytics` takes at most this many pin ids. */
export const MULTI_PIN_BATCH = 100;

export interface AnalyticsPin {
    id: string;
    title: string | null;
    imageUrl: string | null;
    mediaType: string | null;
    /** ISO 8601 in UTC, when Pinterest said: tells why a pin has no numbers for a range. */
    createdAt?: string | null;
    boardId?: string | null;
    /** For pins this Actor published: when, as the ledger's index says (ISO 8601 in UTC). */
    publishedAt?: string | null;
}

export const toAnalyticsPin = (pin: Pin): AnalyticsPin => ({
    id: pin.id,
    title: pin.title ?? null,
    imageUrl: largestImageUrl(pin),
    mediaType: pin.media?.media_type ?? null,
    createdAt: utcTimestamp(pin.created_at),
    boardId: pin.board_id ?? null,
});

/** Why a pin's row has no numbers, in a sentence for the dataset and the report. */
function noDataNote(pin: AnalyticsPin, range: DateRange): string {
    const created = pin.createdAt?.slice(0, 10);
    if (created && created > range.endDate) return `No analytics in this range: the pin was created on ${created}, after it.`;
    return 'Pinterest has no analytics for this pin in this range.';
}

const isVideo = (pin: AnalyticsPin) => pin.mediaType === 'video';

export interface PinAnalyticsRequest {
    range: DateRange;
    /** The user's metric names; empty for the defaults (plus video metrics for video pins). */
    metricTypes: readonly PinMetricType[];
    appTypes?: string;
}

/** What a run learns about the multi-pin endpoint; kept for the whole run so a closed path is tried once. */
export interface MultiPinAccess {
    closed: boolean;
}

/**
 * Pinterest's restricted-feature answer (401, code 3): the multi-pin endpoint is gated per app. A token truly
 * missing a scope answers the same, but then the per-pin requests fail with the scope message, so nothing is lost.
 */
const isRestricted = (error: unknown) => error instanceof PinterestError && error.status === 401 && error.code === 3;

/**
 * Fetches analytics for the pins, a batch at a time: up to 100 pins per `GET /pins/analytics` while the app has
 * access, else one `GET /pins/{id}/analytics` per pin, which the transport paces to the org_analytics quota.
 * Pins of one kind share a request, so video metrics are asked for video pins only.
 */
export async function* fetchPinAnalytics(
    client: PinterestClient,
    pins: readonly AnalyticsPin[],
    request: PinAnalyticsRequest,
    access: MultiPinAccess,
    log: Pick<Log, 'info'>,
    { perPinFallback = true } = {},
): AsyncGenerator<PinAnalyticsItem[]> {
    for (const group of [pins.filter((pin) => !isVideo(pin)), pins.filter(isVideo)]) {
        for (let start = 0; start < group.length; start += MULTI_PIN_BATCH) {
            const batch = group.slice(start, start + MULTI_PIN_BATCH);
            const metricTypes = metricTypesFor(request.metricTypes, isVideo(batch[0] as AnalyticsPin));
            const query = { startDate: request.range.startDate, endDate: request.range.endDate, metricTypes, appTypes: request.appTypes };
            if (!access.closed) {
                try {
                    const answer = await client.getMultiPinAnalytics(
                        batch.map((pin) => pin.id),
                        query,
                    );
                    yield batch.map((pin) => toPinAnalyticsItem(pin, request.range, 'multiPin', mergeBlock(blockOf(answer[pin.id]))));
                    continue;
                } catch (error) {
                    if (!isRestricted(error)) throw error;
                    access.closed = true;
                    log.info(
                        'This app has no access to multi-pin analytics (GET /pins/analytics): fetching one pin at a time, paced to the org_analytics rate limit.',
                    );
                }
            }
            if (!perPinFallback) return;
            for (const pin of batch) {
                const answer = await client.getPinAnalytics(pin.id, query);
                yield [toPinAnalyticsItem(pin, request.range, 'perPin', mergeBlock(blockOf(answer)))];
            }
        }
    }
}

/** The no-split block (`all`), or the only block there is. */
function blockOf(split: ApiSplitMetrics | undefined) {
    if (!split) return undefined;
    return split.all ?? Object.values(split)[0];
}

export function toPinAnalyticsItem(
    pin: AnalyticsPin,
    range: DateRange,
    fetchedWith: PinAnalyticsItem['fetchedWith'],
    merged: MergedMetrics,
): PinAnalyticsItem {
    const hasData = hasRangeData(merged);
    return {
        type: 'pinAnalytics',
        pinId: pin.id,
        title: pin.title,
        url: pinUrl(pin.id),
        imageUrl: pin.imageUrl,
        mediaType: pin.mediaType,
        boardId: pin.boardId ?? null,
        publishedAt: pin.publishedAt ?? null,
        startDate: range.startDate,
        endDate: range.endDate,
        fetchedWith,
        hasData,
        note: hasData ? null : noDataNote(pin, range),
        summary: merged.summary,
        lifetime: merged.lifetime,
        ...rates(merged.summary),
        daily: merged.daily,
    };
}

/**
 * `quick`: the 90-day and lifetime counters the pin lists carry with `pin_metrics=true`, without daily numbers,
 * under the same metric keys as daily analytics (`clickthrough` is `outboundClick`). The range is the 90 days
 * ending today, as Pinterest counts them.
 */
export function quickPinAnalyticsItem(pin: Pin, range: DateRange, publishedAt?: string): PinAnalyticsItem {
    const summary = pinListMetrics(pin.pin_metrics?.['90d'] as Record<string, unknown> | undefined);
    const lifetime = pinListMetrics(pin.pin_metrics?.lifetime_metrics as Record<string, unknown> | undefined);
    return toPinAnalyticsItem({ ...toAnalyticsPin(pin), publishedAt: publishedAt ?? null }, range, 'pinList', { summary, lifetime, daily: [] });
}

/**
 * Totals of the pins over another range (the report's previous period), by the multi-pin endpoint only: one
 * request per 100 pins. Undefined when that path is closed, rather than one more request per pin.
 */
export async function multiPinTotals(
    client: PinterestClient,
    pins: readonly AnalyticsPin[],
    request: PinAnalyticsRequest,
    access: MultiPinAccess,
): Promise<Metrics | undefined> {
    if (access.closed || pins.length === 0) return undefined;
    const totals: Metrics = {};
    const collected = fetchPinAnalytics(client, pins, request, access, { info: () => undefined }, { perPinFallback: false });
    for await (const rows of collected) {
        for (const row of rows)
            for (const [key, value] of Object.entries(row.summary)) if (typeof value === 'number') totals[key] = (totals[key] ?? 0) + value;
    }
    return access.closed ? undefined : totals;
}
