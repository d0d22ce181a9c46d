import { z } from 'zod';

import { accountAnalyticsItemSchema, analyticsSnapshotItemSchema, boardAnalyticsItemSchema, pinAnalyticsItemSchema } from './analytics-items.js';
import type { Board, ImageDetails, Pin } from '../pinterest/schemas.js';

/**
 * Dataset items: flat camelCase records, one per board, pin or created pin. The schemas here are the contract
 * `.actor/dataset_schema.json` displays; the types are inferred from them rather than written twice.
 */

const text = z.string().nullable();
const count = z.number().int().nullable();

export const boardItemSchema = z.object({
    type: z.literal('board'),
    id: z.string(),
    name: z.string(),
    description: text,
    privacy: text,
    pinCount: count,
    followerCount: count,
    collaboratorCount: count,
    createdAt: text,
    pinsModifiedAt: text,
    ownerUsername: text,
    coverImageUrl: text,
    url: text,
    /** list-boards with includeSections: the board's sections, in Pinterest's order. */
    sections: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
});
export type BoardItem = z.infer<typeof boardItemSchema>;

const metricCounters = z.record(z.string(), z.number().nullable());

export const pinItemSchema = z.object({
    type: z.literal('pin'),
    id: z.string(),
    title: text,
    description: text,
    link: text,
    altText: text,
    boardId: text,
    boardSectionId: text,
    mediaType: text,
    imageUrl: text,
    dominantColor: text,
    createdAt: text,
    url: z.string(),
    metrics: z.object({ last90Days: metricCounters.optional(), lifetime: metricCounters.optional() }).optional(),
});
export type PinItem = z.infer<typeof pinItemSchema>;

/** What became of one pin the user asked to publish (create-pin, publish-scheduled). */
export const PIN_RESULT_STATUSES = [
    'created',
    'failed',
    'skipped-duplicate',
    'unconfirmed',
    'not-attempted',
    'would-create',
    'scheduled',
    'would-schedule',
    'will-retry',
] as const;
export type PinResultStatus = (typeof PIN_RESULT_STATUSES)[number];

export const pinErrorSchema = z.object({
    /** One sentence: what went wrong and what to do. */
    message: z.string(),
    httpStatus: z.number().int().nullable(),
    pinterestCode: z.number().int().nullable(),
    requestId: z.string().nullable(),
});
export type PinError = z.infer<typeof pinErrorSchema>;

export const pinResultItemSchema = z.object({
    type: z.literal('pinResult'),
    status: z.enum(PIN_RESULT_STATUSES),
    /** In a run over several accounts: the label of the account the pin is for. */
    account: z.string().optional(),
    /** 1-based position of the pin in this run's batch, in input order. */
    position: z.number().int(),
    /** Where the pin came from: `pinTitle` fields, `pins[2]`, `CSV row 7` or `queue`. */
    source: z.string(),
    /** The pin on Pinterest: the one created, or the existing one a duplicate was skipped for. */
    id: text,
    url: text,
    boardId: text,
    boardName: text,
    title: text,
    description: text,
    link: text,
    altText: text,
    imageUrl: text,
    mediaType: text,
    createdAt: text,
    key: text,
    scheduleId: text,
    publishAt: text,
    /**
     * publishAt on the wall clock of the run's timeZone (UTC unless given), e.g. `2026-12-04 09:00 America/New_York`;
     * null without a publishAt, and in publish-scheduled, which has no time zone.
     */
    publishAtLocal: text,
    /** publish-scheduled: how many minutes after its publishAt the pin went out. */
    lateByMinutes: z.number().int().nullable(),
    error: pinErrorSchema.nullable(),
    /** not-attempted and skipped-duplicate: why, in one sentence. */
    reason: text,
});
export type PinResultItem = z.infer<typeof pinResultItemSchema>;

export type DatasetItem = z.infer<(typeof DATASET_VIEWS)[keyof typeof DATASET_VIEWS]>;

export const pinUrl = (id: string) => `https://www.pinterest.com/pin/${id}/`;

/**
 * Pinterest sends times in UTC without saying so (`2022-10-13T01:40:29`); a reader, or `new Date()`, would take
 * them as local time. Marking them UTC keeps the instant right everywhere.
 */
export function utcTimestamp(value: string | null | undefined): string | null {
    if (!value) return null;
    return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? `${value}Z` : value;
}

/**
 * Board URLs are `/{username}/{slug}/`, and the API returns neither URL nor slug: Pinterest derives the slug
 * from the name (lower case, runs of other characters become one hyphen), which is what this does.
 */
export function boardUrl(username: string | null | undefined, name: string): string | null {
    const slug = name
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '');
    return username && slug ? `https://www.pinterest.com/${encodeURIComponent(username)}/${slug}/` : null;
}

export function toBoardItem(board: Board): BoardItem {
    const username = board.owner?.username ?? null;
    return {
        type: 'board',
        id: board.id,
        name: board.name,
        description: board.description ?? null,
        privacy: board.privacy ?? null,
        pinCount: board.pin_count ?? null,
        followerCount: board.follower_count ?? null,
        collaboratorCount: board.collaborator_count ?? null,
        createdAt: utcTimestamp(board.created_at),
        pinsModifiedAt: utcTimestamp(board.board_pins_modified_at),
        ownerUsername: username,
        coverImageUrl: board.media?.image_cover_url ?? null,
        url: boardUrl(username, board.name),
    };
}

export function toPinItem(pin: Pin): PinItem {
    const item: PinItem = {
        type: 'pin',
        id: pin.id,
        title: pin.title ?? null,
        description: pin.description ?? null,
        link: pin.link ?? null,
        altText: pin.alt_text ?? null,
        boardId: pin.board_id ?? null,
        boardSectionId: pin.board_section_id ?? null,
        mediaType: pin.media?.media_type ?? null,
        imageUrl: largestImageUrl(pin),
        dominantColor: pin.dominant_color ?? null,
        createdAt: utcTimestamp(pin.created_at),
        url: pinUrl(pin.id),
    };
    if (pin.pin_metrics) item.metrics = toMetrics(pin.pin_metrics);
    return item;
}

/** A pin result row with every field present (null where it does not apply). */
export function pinResultItem(fields: Partial<PinResultItem> & Pick<PinResultItem, 'status' | 'position' | 'source'>): PinResultItem {
    return {
        type: 'pinResult',
        id: null,
        url: null,
        boardId: null,
        boardName: null,
        title: null,
        description: null,
        link: null,
        altText: null,
        imageUrl: null,
        mediaType: null,
        createdAt: null,
        key: null,
        scheduleId: null,
        publishAt: null,
        publishAtLocal: null,
        lateByMinutes: null,
        error: null,
        reason: null,
        ...fields,
    };
}

/**
 * What Pinterest said about a pin it created, in row fields. An answer may leave out anything but the id (the spec
 * allows it): the row then keeps what was sent, which is what the pin holds.
 */
export function createdPinFields(pin: Pin, sent: Partial<PinResultItem> & { boardId: string }): Partial<PinResultItem> {
    return {
        id: pin.id,
        url: pinUrl(pin.id),
        boardId: pin.board_id ?? sent.boardId,
        title: pin.title ?? sent.title ?? null,
        description: pin.description ?? sent.description ?? null,
        link: pin.link ?? sent.link ?? null,
        altText: pin.alt_text ?? sent.altText ?? null,
        imageUrl: largestImageUrl(pin) ?? sent.imageUrl ?? null,
        mediaType: pin.media?.media_type ?? sent.mediaType ?? null,
        createdAt: utcTimestamp(pin.created_at),
    };
}

/** The widest image Pinterest offers: image pins list sizes, videos a cover, carousels per-slide sizes. */
export function largestImageUrl(pin: Pin): string | null {
    const media = pin.media;
    if (!media) return null;
    const candidates: ImageDetails[] = [...Object.values(media.images ?? {}), ...Object.values(media.items?.[0]?.images ?? {})];
    const widest = candidates.reduce<ImageDetails | undefined>((best, image) => ((image.width ?? 0) > (best?.width ?? -1) ? image : best), undefined);
    return widest?.url ?? media.cover_image_url ?? media.items?.[0]?.cover_image_url ?? null;
}

const camelCase = (key: string) => key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());

/** `{"90d": {pin_click: 7}, "lifetime_metrics": {...}}` → `{last90Days: {pinClick: 7}, lifetime: {...}}`. */
function toMetrics(raw: NonNullable<Pin['pin_metrics']>): NonNullable<PinItem['metrics']> {
    const counters = (group: Record<string, number | null | undefined> | null | undefined) =>
        group ? Object.fromEntries(Object.entries(group).map(([key, value]) => [camelCase(key), value ?? null])) : undefined;
    const metrics: NonNullable<PinItem['metrics']> = {};
    const last90Days = counters(raw['90d']);
    const lifetime = counters(raw.lifetime_metrics);
    if (last90Days) metrics.last90Days = last90Days;
    if (lifetime) metrics.lifetime = lifetime;
    return metrics;
}

/** A pin in the scheduling queue (list-scheduled, cancel-scheduled). */
export const scheduledPinItemSchema = z.object({
    type: z.literal('scheduledPin'),
    scheduleId: z.string(),
    status: z.enum(['scheduled', 'publishing', 'published', 'failed', 'cancelled']),
    /** When it goes (or went) live, ISO 8601 in UTC. */
    publishAt: z.string(),
    /** publishAt on the wall clock of the run's timeZone (UTC unless given), e.g. `2026-12-04 09:00 America/New_York`. */
    publishAtLocal: z.string(),
    boardId: text,
    title: text,
    description: text,
    link: text,
    imageUrl: text,
    mediaType: text,
    key: text,
    attempts: z.number().int(),
    lastError: text,
    /** After a failure: the earliest time the next run tries again. */
    nextAttemptAt: text,
    /** Once published: the pin on Pinterest. */
    id: text,
    url: text,
    publishedAt: text,
});
export type ScheduledPinItem = z.infer<typeof scheduledPinItemSchema>;

/** What became of one pin update-pins was asked to edit. */
export const PIN_UPDATE_STATUSES = ['updated', 'would-update', 'unchanged', 'failed', 'not-attempted'] as const;
export type PinUpdateStatus = (typeof PIN_UPDATE_STATUSES)[number];

export const pinUpdateItemSchema = z.object({
    type: z.literal('pinUpdate'),
    status: z.enum(PIN_UPDATE_STATUSES),
    pinId: z.string(),
    url: z.string(),
    /** Where the pin came from: `pinUpdates[2]`, `pinIds[0]`, `board 549755885175` or `account`. */
    source: z.string(),
    /** The pin's title and image as they are now (after the update), to tell pins apart in the table. */
    title: text,
    imageUrl: text,
    /** Each field that changes (or would, or did), with its value before and after; empty when nothing does. */
    changes: z.record(z.string(), z.object({ before: text, after: text })),
    error: pinErrorSchema.nullable(),
    /** unchanged and not-attempted: why, in one sentence. */
    reason: text,
});
export type PinUpdateItem = z.infer<typeof pinUpdateItemSchema>;

/** What became of one pin delete-pins was asked to delete. */
export const PIN_DELETION_STATUSES = ['deleted', 'would-delete', 'not-found', 'failed', 'not-attempted'] as const;
export type PinDeletionStatus = (typeof PIN_DELETION_STATUSES)[number];

export const pinDeletionItemSchema = z.object({
    type: z.literal('pinDeletion'),
    status: z.enum(PIN_DELETION_STATUSES),
    pinId: z.string(),
    url: z.string(),
    error: pinErrorSchema.nullable(),
    /** What else happened or did not, in one sentence (the ledger, a stop). */
    reason: text,
});
export type PinDeletionItem = z.infer<typeof pinDeletionItemSchema>;

export const ACCOUNT_CONNECTION_STATUSES = ['authorization-url', 'connected'] as const;

/** One step of connect-account: the link to send a client, or the account connected under a label. Never a token. */
export const accountConnectionItemSchema = z.object({
    type: z.literal('accountConnection'),
    status: z.enum(ACCOUNT_CONNECTION_STATUSES),
    label: z.string(),
    environment: z.string(),
    appId: z.string(),
    redirectUri: z.string(),
    /** Step 1: Pinterest's consent page for the client, with the scopes and the label's state. */
    authorizationUrl: text,
    scopes: z.array(z.string()),
    username: text,
    accountType: text,
    accessTokenExpiresAt: text,
    refreshTokenExpiresAt: text,
    credentialsStoreName: z.string(),
    credentialsRecordKey: text,
    /** What to do next, in one sentence. */
    nextStep: z.string(),
});
export type AccountConnectionItem = z.infer<typeof accountConnectionItemSchema>;
/** In a run over several accounts (the `accounts` input): an account whose part failed, with the reason. */
export const accountFailureItemSchema = z.object({
    type: z.literal('accountFailure'),
    /** The account's label in the `accounts` input. */
    account: z.string(),
    /** The account's Pinterest username, when the failure came after it was known. */
    ownerUsername: text,
    mode: z.string(),
    /** Why the account's part failed, in one sentence. */
    reason: z.string(),
});
export type AccountFailureItem = z.infer<typeof accountFailureItemSchema>;

/** What became of one queued pin update-scheduled was asked to change. */
export const SCHEDULED_PIN_UPDATE_STATUSES = ['updated', 'would-update', 'unchanged', 'refused', 'not-found'] as const;
export type ScheduledPinUpdateStatus = (typeof SCHEDULED_PIN_UPDATE_STATUSES)[number];

export const scheduledPinUpdateItemSchema = z.object({
    type: z.literal('scheduledPinUpdate'),
    status: z.enum(SCHEDULED_PIN_UPDATE_STATUSES),
    scheduleId: z.string(),
    /** The pin's schedule id after the change: a new one when its content (and so its identity) changed, else the same. */
    newScheduleId: text,
    /** When it goes live after the change, ISO 8601 in UTC, and on the wall clock of the run's timeZone. */
    publishAt: text,
    publishAtLocal: text,
    title: text,
    /** Each field that changes (or would, or did), with its value before and after; empty when nothing does. */
    changes: z.record(z.string(), z.object({ before: text, after: text })),
    /** refused, not-found and unchanged: why, in one sentence. */
    reason: text,
});
export type ScheduledPinUpdateItem = z.infer<typeof scheduledPinUpdateItemSchema>;

/**
 * Every kind of dataset item, by the name of its view: .actor/dataset_schema.json has one table view per entry,
 * showing fields of that schema only, and .actor/output_schema.json links each view
 * (test/unit/dataset-schema.test.ts checks both against this table). A new item type is a new line here.
 */
export const DATASET_VIEWS = {
    boards: boardItemSchema,
    pins: pinItemSchema,
    pinResults: pinResultItemSchema,
    scheduledPins: scheduledPinItemSchema,
    pinUpdates: pinUpdateItemSchema,
    pinDeletions: pinDeletionItemSchema,
    scheduledPinUpdates: scheduledPinUpdateItemSchema,
    pinAnalytics: pinAnalyticsItemSchema,
    accountAnalytics: accountAnalyticsItemSchema,
    boardAnalytics: boardAnalyticsItemSchema,
    analyticsSnapshots: analyticsSnapshotItemSchema,
    accountConnections: accountConnectionItemSchema,
    accountFailures: accountFailureItemSchema,
} as const;
