import { type PinError, type PinResultItem, pinResultItem, type PinResultStatus } from '../output/items.js';
import { type PinDraft, sourcePrefix } from './draft.js';

/** One pin to publish, as the batch sees it. */
export interface PinJob {
    /** 1-based position in the run's rows. */
    position: number;
    /** Where it came from, for rows and messages: `pins[2]`, `CSV row 7`, `queue`. */
    source: string;
    draft: PinDraft;
    scheduleId?: string;
    publishAt?: string;
    /** Set when duplicates are allowed: makes the pin's ledger key its own, so only this job can match it. */
    ledgerSuffix?: string;
    /** publish-scheduled: minutes after publishAt. */
    lateByMinutes?: number;
    /** A sentence for a dry run's row, after its own reason: what a real run would do differently (post a past time now). */
    note?: string;
    /**
     * Asked right before the pin's request leaves: a reason not to send it after all (its queue entry was cancelled
     * or taken over meanwhile), or undefined to go ahead.
     */
    recheck?: () => Promise<string | undefined>;
    /**
     * A save, not a new pin (`boards`): the Pinterest id of the pin to save to this job's board
     * (`POST /pins/{pin_id}/save`). Its ledger entry and charge are those of a new pin on that board.
     */
    saveOf?: string;
}

/** A pin's outcome: its row, and whether the row is charged as `pin-created`. */
export interface PinOutcome {
    row: PinResultItem;
    charged: boolean;
    /** Held from before the request until the row is charged, so that charged rows never outrun the budget. */
    release?: () => void;
}

export const mediaTypeOf = (draft: PinDraft) => (draft.videoUrl ? 'video' : draft.imageUrls ? 'multiple_images' : 'image');

/** The row fields a draft fills: what the user asked for. */
export function draftFields(draft: PinDraft) {
    return {
        boardId: draft.boardId ?? null,
        boardName: draft.boardName ?? null,
        title: draft.pinTitle ?? null,
        description: draft.pinDescription ?? null,
        link: draft.linkUrl ?? null,
        altText: draft.altText ?? null,
        imageUrl: draft.imageUrl ?? draft.imageUrls?.[0] ?? draft.coverImageUrl ?? null,
        mediaType: mediaTypeOf(draft),
        key: draft.key ?? null,
    } satisfies Partial<PinResultItem>;
}

/** A job's row before anything happened to it: its place, its source and what it asks for. */
export function jobRow(job: PinJob, status: PinResultStatus = 'failed'): PinResultItem {
    return pinResultItem({
        status,
        position: job.position,
        source: job.source,
        ...draftFields(job.draft),
        scheduleId: job.scheduleId ?? null,
        publishAt: job.publishAt ?? null,
        lateByMinutes: job.lateByMinutes ?? null,
    });
}

/** The outcome with the job's note added to a dry run's reason. */
export function withJobNote(job: PinJob, outcome: PinOutcome): PinOutcome {
    if (!job.note || outcome.row.status !== 'would-create') return outcome;
    const reason = [outcome.row.reason, job.note].filter(Boolean).join(' ');
    return { ...outcome, row: { ...outcome.row, reason } };
}

export const freeOutcome = (row: PinResultItem, status: PinResultStatus, fields: Partial<PinResultItem> = {}): PinOutcome => ({
    row: { ...row, ...fields, status },
    charged: false,
});

export const failedOutcome = (row: PinResultItem, error: Partial<PinError> & { message: string }): PinOutcome =>
    freeOutcome(row, 'failed', { error: { httpStatus: null, pinterestCode: null, requestId: null, ...error } });

/** A row for a pin that never reached the publisher (its fields or its time were wrong). */
export function invalidPinOutcome(position: number, source: string, problems: string[], draft?: Partial<PinDraft>): PinOutcome {
    const row = pinResultItem({ status: 'failed', position, source, ...(draft ? draftFields(draft as PinDraft) : {}) });
    return failedOutcome(row, { message: `${sourcePrefix(source)}${problems.join('; ')}.` });
}
