import type { z } from 'zod';

import type { Operation } from './operations.js';
import { pageSchema } from './schemas.js';
import type { ApiCall, PinterestTransport, Unusable } from './transport.js';

/** The API's maximum `page_size` (the description's `query_page_size`: 1–250, default 25). */
export const MAX_PAGE_SIZE = 250;

export interface ListOptions {
    /** Stop after this many items; page sizes shrink so that no request fetches more than still needed. */
    maxItems: number;
    /** Continue a list from a page's `nextBookmark` (after a restart) instead of from its start. */
    bookmark?: string;
}

/** One page of a list: its items and the bookmark of the page after it (null on the last page). */
export interface ListPage<T> {
    items: T[];
    nextBookmark: string | null;
    /**
     * Entries of this page left out because they lack what the Actor needs (an id, say). A caller for whom an absent
     * entry is evidence (is the pin on the board?) must not take a page with skipped entries as complete. Absent: none.
     */
    skipped?: number;
}

/**
 * Pages through a bookmark-paginated list, yielding page by page (so callers can store and charge a page at a
 * time), never more than `maxItems` items in all: a list of n items costs ceil(n / 250) requests, since every
 * request asks for the largest page the API allows (its default is 25).
 */
export async function* listPages<T extends z.ZodType>(
    transport: PinterestTransport,
    operation: Operation,
    itemSchema: T,
    { maxItems, bookmark }: ListOptions,
    call: ApiCall = {},
    /** What a left-out entry is, for the notice. */
    unusable: Unusable = { one: 'entry without an id', many: 'entries without an id' },
): AsyncGenerator<ListPage<z.infer<T>>> {
    const schema = pageSchema(itemSchema);
    let fetched = 0;
    const pageSize = () => Math.min(MAX_PAGE_SIZE, maxItems - fetched);
    if (pageSize() <= 0) return;
    const filters = call.query ?? {};

    yield* transport.paginate<ListPage<z.infer<T>>>(
        operation,
        { ...call, query: { ...filters, page_size: pageSize(), bookmark } },
        (_body, response) => {
            const page = transport.parse(operation, schema, response);
            const items = page.items.items.slice(0, pageSize());
            fetched += items.length;
            transport.noteSkipped(operation, page.items.skipped, unusable);
            return { items, nextBookmark: page.bookmark || null, skipped: page.items.skipped };
        },
        (page) => {
            // A page whose entries were all left out still has a next page to look at.
            if (!page.nextBookmark || page.items.length + (page.skipped ?? 0) === 0 || pageSize() <= 0) return false;
            return { ...filters, page_size: pageSize(), bookmark: page.nextBookmark };
        },
    );
}
