import type { PinterestClient } from '../pinterest/client.js';
import type { Pin } from '../pinterest/schemas.js';
import type { LedgerEntry, MediaKind } from './ledger.js';

/**
 * Whether a pin whose POST went unanswered exists. The API has no idempotency key, so the only evidence is the
 * board itself. A pin found there is ours only when it proves it: everything we sent matches (text, link, alt
 * text, section, kind of media and number of carousel images), it was created while our request was out, and no
 * other ledger entry has claimed it (two colour variants of one product share their text; only their images
 * differ, which the listing does not show).
 * - `found`: exactly one pin fits.
 * - `absent`: provably not there: the listing was read back past the attempt and already shows pins newer than
 *   it, or the attempt is so old that any listing lag is long over, and no pin fits.
 * - `unsure`: not seen yet but the listing may lag behind, or two pins fit and nothing tells them apart; only
 *   time (or the user) can tell.
 */
export type Reconciliation = { outcome: 'found'; pin: Pin } | { outcome: 'absent' } | { outcome: 'unsure'; reason: string };

export interface ReconcileOptions {
    now: () => number;
    sleep: (ms: number) => Promise<void>;
    /** The ledger entry a pin is attributed to, if any: such a pin belongs to that entry, never to this one. */
    attributedTo: (pinId: string) => Promise<string | undefined>;
    /** The ledger key of the entry being reconciled. */
    ledgerKey: string;
    /** How long to keep looking while the listing may lag (about 30 s). */
    maxWaitMs?: number;
    firstDelayMs?: number;
}

/** Pinterest's clock and ours may differ a little: a match may be this much outside our attempt. */
const CLOCK_SKEW_MS = 60_000;
/** After this long, a pin that is not listed was not created: listing lag is seconds, not minutes. */
const LISTING_LAG_BOUND_MS = 10 * 60_000;
/** When an attempt's end was not recorded: the longest a request stays out (the client's timeout) and then some. */
const ATTEMPT_LENGTH_BOUND_MS = 5 * 60_000;
/** How far back the board is read: the listing is newest first, so this bounds a busy board's pins read. */
const MAX_PINS_READ = 2_500;

/** The one call reconciliation makes. */
export type BoardListing = Pick<PinterestClient, 'listBoardPins'>;

export async function reconcilePin(client: BoardListing, entry: LedgerEntry, options: ReconcileOptions): Promise<Reconciliation> {
    const maxWaitMs = options.maxWaitMs ?? 30_000;
    const deadline = options.now() + maxWaitMs;
    let delay = options.firstDelayMs ?? 1000;
    for (;;) {
        const verdict = await lookOnce(client, entry, options);
        if (verdict.outcome !== 'unsure') return verdict;
        const left = deadline - options.now();
        if (left <= 0) return verdict;
        await options.sleep(Math.min(delay, left));
        delay *= 2;
    }
}

async function lookOnce(client: BoardListing, entry: LedgerEntry, options: ReconcileOptions): Promise<Reconciliation> {
    const now = options.now();
    const from = entry.attemptStartedAt - CLOCK_SKEW_MS;
    const until = (entry.attemptEndedAt ?? entry.attemptStartedAt + ATTEMPT_LENGTH_BOUND_MS) + CLOCK_SKEW_MS;
    const candidates: Pin[] = [];
    let listingCaughtUp = false;
    let readPastAttempt = false;
    let unreadable = 0;
    // Newest first: read back until the listing is older than the attempt, so a pin pushed down by the pins of the
    // rest of its batch is still found.
    pages: for await (const page of client.listBoardPins(entry.boardId, { maxItems: MAX_PINS_READ })) {
        for (const pin of page.items) {
            const created = createdAt(pin);
            if (created !== undefined && created > until) listingCaughtUp = true;
            if (created !== undefined && created < from) {
                readPastAttempt = true;
                break pages;
            }
            if ((created === undefined || created <= until) && sameContent(pin, entry)) candidates.push(pin);
        }
        unreadable += page.skipped ?? 0;
        if (page.nextBookmark === null) readPastAttempt = true;
    }

    const free: Pin[] = [];
    for (const pin of candidates) {
        const owner = await options.attributedTo(pin.id);
        if (owner === undefined || owner === options.ledgerKey) free.push(pin);
    }
    if (free.length === 1) return { outcome: 'found', pin: free[0]! };
    if (free.length > 1) {
        return {
            outcome: 'unsure',
            reason: `${free.length} pins on board ${entry.boardId} match it (${free.map((pin) => pin.id).join(', ')}) and nothing tells which is this one`,
        };
    }
    // An entry the client could not read might be this pin: absence is proven only by a listing read in full.
    if (unreadable > 0)
        return { outcome: 'unsure', reason: `board ${entry.boardId} lists ${unreadable} pins the Actor could not read, one of which may be it` };
    if ((listingCaughtUp && readPastAttempt) || now - entry.attemptStartedAt > LISTING_LAG_BOUND_MS) return { outcome: 'absent' };
    return { outcome: 'unsure', reason: `it is not on board ${entry.boardId} yet (the board's listing can lag)` };
}

const same = (a: string | null | undefined, b: string | null | undefined) => (a ?? '').trim() === (b ?? '').trim();
/** A value the listing (or the entry) actually carries: an absent one proves nothing either way. */
const shown = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/** The kind of media the listing shows, as the ledger names it. */
function mediaKindOf(pin: Pin): MediaKind | undefined {
    const type = pin.media?.media_type;
    if (type === 'image') return 'image';
    if (type === 'video') return 'video';
    if (type === 'multiple_images' || type === 'multiple_videos' || type === 'multiple_mixed') return 'carousel';
    return undefined;
}

/** Everything we sent that the listing shows back. */
function sameContent(pin: Pin, entry: LedgerEntry): boolean {
    if (!same(pin.title, entry.title) || !same(pin.description, entry.description) || !same(pin.link, entry.link)) return false;
    if (shown(pin.alt_text) && shown(entry.altText) && !same(pin.alt_text, entry.altText)) return false;
    if (shown(pin.board_section_id) && shown(entry.boardSectionId) && !same(pin.board_section_id, entry.boardSectionId)) return false;
    const kind = mediaKindOf(pin);
    if (kind !== undefined && entry.mediaKind !== undefined && kind !== entry.mediaKind) return false;
    const items = pin.media?.items?.length;
    if (entry.mediaKind === 'carousel' && items !== undefined && items !== entry.mediaUrls.length) return false;
    return true;
}

/** Pinterest writes `created_at` in UTC, usually without a zone suffix. */
function createdAt(pin: Pin): number | undefined {
    if (!pin.created_at) return undefined;
    const text = /[zZ]|[+-]\d\d:?\d\d$/.test(pin.created_at) ? pin.created_at : `${pin.created_at}Z`;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms;
}
