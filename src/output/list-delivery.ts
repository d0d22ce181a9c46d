import { z } from 'zod';

import type { DatasetItem } from './items.js';
import { readProgress, type RunJournal } from '../storage/journal.js';
import { EVENTS, type RunOutput } from './run-output.js';
import type { ListOptions, ListPage } from '../pinterest/client.js';
import { formatCount } from '../common/text.js';

export interface ListDelivery {
    delivered: number;
    /** The run's maximum charge, not the list's end or maxItems, cut the list short. */
    stoppedByBudget: boolean;
    /** The list has items beyond those delivered (maxItems or the budget stopped it, not the list's end). */
    hasMore: boolean;
}

/**
 * Progress of a list, journaled around each stored page so a restarted run resumes where it stopped. `pending` is
 * written before a page is pushed and cleared after: it says where in the dataset that page's items start, so a
 * restart can read what made it instead of trusting the dataset's item count, which lags behind pushes.
 */
const listProgressSchema = z.object({
    delivered: z.number().int().min(0),
    /** Bookmark of the next page to fetch; null for the first page. */
    cursor: z.string().nullable(),
    stoppedByBudget: z.boolean(),
    done: z.boolean(),
    hasMore: z.boolean().default(false),
    pending: z
        .object({
            /** Dataset position of the page's first item. */
            offset: z.number().int().min(0),
            /** Items being pushed. */
            count: z.number().int().min(0),
            /** Bookmark the page was fetched with (null: the first page). */
            bookmark: z.string().nullable(),
        })
        .nullable()
        .default(null),
});
type ListProgress = z.infer<typeof listProgressSchema>;

export interface DeliverListOptions<T> {
    maxItems: number;
    output: RunOutput;
    journal: RunJournal;
    toItem: (value: T) => DatasetItem;
    /** What the list holds, singular ("pin"), for progress messages. */
    noun?: string;
}

/**
 * Stores a paginated list page by page. Each page is stored and charged before the next one is requested, so a
 * failure later keeps what was delivered, a spent budget stops the requests at once, and a restarted run
 * neither repeats nor skips an item.
 */
export async function deliverList<T>(
    list: (options: ListOptions) => AsyncIterable<ListPage<T>>,
    { maxItems, output, journal, toItem, noun = 'item' }: DeliverListOptions<T>,
): Promise<ListDelivery> {
    let progress: ListProgress = (await readProgress(journal, listProgressSchema)) ?? {
        delivered: 0,
        cursor: null,
        stoppedByBudget: false,
        done: false,
        hasMore: false,
        pending: null,
    };
    const summary = (): ListDelivery => ({
        delivered: progress.delivered,
        stoppedByBudget: progress.stoppedByBudget && progress.delivered < maxItems,
        hasMore: progress.hasMore,
    });
    if (progress.done) return summary();

    // A restart while a page was being stored: the items of it that made it are at the journaled offset. They are
    // the page at the journaled bookmark (fetched again below), recognised by id.
    let alreadyStored = new Set<string>();
    if (progress.pending) {
        const { offset, count, bookmark } = progress.pending;
        const stored = await output.readStoredItems(offset, count);
        alreadyStored = new Set(stored.map((item) => String(item.id)));
        progress = { ...progress, delivered: offset, cursor: bookmark, pending: null };
    }
    const remaining = maxItems - progress.delivered - alreadyStored.size;
    const affordable = Math.max(0, Math.min(remaining, output.budgetFor(EVENTS.itemFetched)));
    const stoppedByBudget = affordable < remaining;

    let listEnded = false;
    for await (const page of list({ maxItems: alreadyStored.size + affordable, bookmark: progress.cursor ?? undefined })) {
        listEnded = page.nextBookmark === null;
        const items = page.items.map(toItem);
        const fresh = items.filter((item) => !alreadyStored.has(String((item as { id?: unknown }).id)));
        const skipped = items.length - fresh.length;
        alreadyStored = new Set();

        const offset = progress.delivered + skipped;
        await journal.write({ ...progress, pending: { offset, count: fresh.length, bookmark: progress.cursor } } satisfies ListProgress);
        const result = await output.pushFetched(fresh);
        const moreLeft = page.nextBookmark !== null || result.delivered < fresh.length;
        progress = {
            delivered: offset + result.delivered,
            cursor: page.nextBookmark,
            // The budget only "stopped" the list if the list had more to give.
            stoppedByBudget: (stoppedByBudget || result.budgetExhausted) && moreLeft,
            done: result.budgetExhausted || !page.nextBookmark,
            hasMore: moreLeft,
            pending: null,
        };
        await journal.write(progress);
        await output.progress?.(`Fetched ${formatCount(progress.delivered)} of up to ${formatCount(maxItems)} ${noun}s.`);
        if (result.budgetExhausted) break;
    }
    if (!progress.done) {
        progress = { ...progress, stoppedByBudget: stoppedByBudget && !listEnded, hasMore: progress.hasMore && !listEnded, done: true };
        await journal.write(progress);
    }
    return summary();
}

/** Why a list stopped before its end, for the status message: the budget, or maxItems (`whose`: "the board"). */
export const stopNote = (delivery: ListDelivery, whose: string) => {
    if (delivery.stoppedByBudget) return budgetNote(delivery);
    return delivery.hasMore ? `; ${whose} has more: raise maxItems` : '';
};

export const budgetNote = (delivery: Pick<ListDelivery, 'stoppedByBudget'>) =>
    delivery.stoppedByBudget ? ' (stopped at the maximum charge you set for this run)' : '';
