import type { PinterestClient } from '../pinterest/client.js';
import type { Pin } from '../pinterest/schemas.js';
import type { LedgerEntry } from './ledger.js';

/**
 * Whether a pin whose POST went unanswered exists. The API has no idempotency key, so the only evidence is the
 * board itself: its newest pins, matched by title, description and link, created after the attempt began.
 * - `found`: it exists (with its id).
 * - `absent`: provably not there: the listing already shows pins newer than the attempt, or the attempt is so
 *   old that any listing lag is long over, and the pin is not among them.
 * - `unsure`: not seen yet, but the listing may lag behind; only time can tell.
 */
export type Reconciliation = { outcome: 'found'; pin: Pin } | { outcome: 'absent' } | { outcome: 'unsure' };

export interface ReconcileOptions {
    now: () => number;
    sleep: (ms: number) => Promise<void>;
    /** How long to keep looking while the listing may lag (about 30 s). */
    maxWaitMs?: number;
    firstDelayMs?: number;
}

/** Pinterest's clock and ours may differ a little: a match may be this much older than our attempt. */
const CLOCK_SKEW_MS = 60_000;
/** After this long, a pin that is not listed was not created: listing lag is seconds, not minutes. */
const LISTING_LAG_BOUND_MS = 10 * 60_000;
/** The newest pins of the board that are compared: one request. */
const PINS_COMPARED = 250;

export async function reconcilePin(client: PinterestClient, entry: LedgerEntry, options: ReconcileOptions): Promise<Reconciliation> {
    const maxWaitMs = options.maxWaitMs ?? 30_000;
    const deadline = options.now() + maxWaitMs;
    let delay = options.firstDelayMs ?? 1000;
    for (;;) {
        const verdict = await lookOnce(client, entry, options.now());
        if (verdict.outcome !== 'unsure') return verdict;
        const left = deadline - options.now();
        if (left <= 0) return verdict;
        await options.sleep(Math.min(delay, left));
        delay *= 2;
    }
}

async function lookOnce(client: PinterestClient, entry: LedgerEntry, now: number): Promise<Reconciliation> {
    const pins: Pin[] = [];
    let unreadable = 0;
    for await (const page of client.listBoardPins(entry.boardId, { maxItems: PINS_COMPARED })) {
        pins.push(...page.items);
        unreadable += page.skipped ?? 0;
    }
    const since = entry.attemptStartedAt - CLOCK_SKEW_MS;
    const match = pins.find((pin) => sameContent(pin, entry) && (createdAt(pin) ?? now) >= since);
    if (match) return { outcome: 'found', pin: match };
    // An entry the client could not read might be this pin: absence is proven only by a listing read in full.
    if (unreadable > 0) return { outcome: 'unsure' };
    const listingCaughtUp = pins.some((pin) => (createdAt(pin) ?? 0) > entry.attemptStartedAt + CLOCK_SKEW_MS);
    if (listingCaughtUp || now - entry.attemptStartedAt > LISTING_LAG_BOUND_MS) return { outcome: 'absent' };
    return { outcome: 'unsure' };
}

const same = (a: string | null | undefined, b: string | null | undefined) => (a ?? '').trim() === (b ?? '').trim();

function sameContent(pin: Pin, entry: LedgerEntry): boolean {
    return same(pin.title, entry.title) && same(pin.description, entry.description) && same(pin.link, entry.link);
}

/** Pinterest writes `created_at` in UTC, usually without a zone suffix. */
function createdAt(pin: Pin): number | undefined {
    if (!pin.created_at) return undefined;
    const text = /[zZ]|[+-]\d\d:?\d\d$/.test(pin.created_at) ? pin.created_at : `${pin.created_at}Z`;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms;
}
