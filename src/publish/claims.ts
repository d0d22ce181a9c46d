import type { Log } from '../common/log.js';
import type { LedgerEntry, LedgerRecord } from './ledger.js';

/**
 * Claims: which run may send a pin. The stores have no compare-and-swap, so a claim is written, left to settle,
 * and read back: of two runs claiming one pin at the same moment, the one whose write landed last sees its own
 * claim and goes on; the other sees a stranger's and leaves the pin. The winner checks once more right before its
 * request leaves, so a run whose claim lapsed (or was taken over) never sends. Claims lapse unless renewed: the
 * pins of a run that died are free again after CLAIM_TTL_MS.
 */

/** How long a claim holds without renewal. */
export const CLAIM_TTL_MS = 10 * 60_000;
/** Renewals come this often while a run works on its pins, well inside the lifetime of a claim. */
export const RENEW_EVERY_MS = 2 * 60_000;
/** Between writing a claim and reading it back: another run claiming at the same moment has written by then. */
export const CLAIM_SETTLE_MS = 300;
/** A `sending` entry of the first ledger layout (no claim) from another run younger than this may still be under way. */
const LEGACY_SENDING_GRACE_MS = 15 * 60_000;

/** Who claims: the run, and this process of it. */
export interface Claimant {
    runId: string;
    /** New in every process: a restarted run tells its earlier claims (its own, to take back) from a live process's. */
    nonce: string;
    now: () => number;
    sleep: (ms: number) => Promise<void>;
}

export type ClaimResult =
    /** This run holds the pin. `previous` is what the ledger said before (an attempt to reconcile first, a failure). */
    | { kind: 'claimed'; entry: LedgerEntry; previous?: LedgerEntry }
    /** Pinterest has the pin already. */
    | { kind: 'created'; entry: LedgerEntry }
    /** Another live run holds it (or won the race for it). */
    | { kind: 'held'; entry: LedgerEntry };

/** True while another run's claim (or unfinished request) on the entry is alive. */
export function heldByAnotherRun(entry: LedgerEntry | undefined, me: Pick<Claimant, 'runId' | 'now'>): boolean {
    if (!entry || (entry.status !== 'claimed' && entry.status !== 'sending')) return false;
    if (entry.claim) return entry.claim.runId !== me.runId && entry.claim.until > me.now();
    return entry.status === 'sending' && entry.runId !== me.runId && me.now() - entry.attemptStartedAt < LEGACY_SENDING_GRACE_MS;
}

/**
 * Claims a pin: reads its entry, writes a claim unless it is created or held, waits for the claim to settle and
 * reads it back. `fresh` is the entry for a pin the ledger has never seen.
 */
export async function claimPin(record: LedgerRecord, fresh: () => LedgerEntry, me: Claimant): Promise<ClaimResult> {
    const current = await record.read();
    if (current?.status === 'created') return { kind: 'created', entry: current };
    if (current && heldByAnotherRun(current, me)) return { kind: 'held', entry: current };

    const base = current ?? fresh();
    const claimed: LedgerEntry = {
        ...base,
        status: 'claimed',
        unsettled: unsettledAttempt(base),
        claim: { runId: me.runId, nonce: me.nonce, until: me.now() + CLAIM_TTL_MS },
    };
    await record.write(claimed);
    await me.sleep(CLAIM_SETTLE_MS);
    const back = await record.read();
    if (back?.status === 'claimed' && back.claim?.nonce === me.nonce)
        return { kind: 'claimed', entry: back, previous: current && asAttempted(current) };
    if (back?.status === 'created') return { kind: 'created', entry: back };
    return { kind: 'held', entry: back ?? claimed };
}

/** An attempt of the entry whose outcome is unknown: its own status, or the one a claim taken over it carries. */
function unsettledAttempt(entry: LedgerEntry): LedgerEntry['unsettled'] {
    if (entry.status === 'sending' || entry.status === 'unconfirmed') return entry.status;
    return entry.status === 'claimed' ? entry.unsettled : undefined;
}

/**
 * What an entry says about the attempts before a claim: a claim taken over an unsettled attempt (by a process that
 * died before reconciling it) stands for that attempt, so the new holder reconciles it, and lets go back to it.
 */
function asAttempted(entry: LedgerEntry): LedgerEntry {
    if (entry.status !== 'claimed' || !entry.unsettled) return entry;
    return { ...entry, status: entry.unsettled, unsettled: undefined };
}

/** The entry holds this process's claim: claimed, or sending (a retry after Pinterest refused the first attempt). */
const isMine = (entry: LedgerEntry | undefined, me: Claimant): entry is LedgerEntry & { claim: NonNullable<LedgerEntry['claim']> } =>
    (entry?.status === 'claimed' || entry?.status === 'sending') && entry.claim?.nonce === me.nonce;

/** Right before the request leaves: the entry, if this process still holds a live claim on it. */
export async function stillClaimed(record: LedgerRecord, me: Claimant): Promise<LedgerEntry | undefined> {
    const current = await record.read();
    return isMine(current, me) && current.claim.until > me.now() ? current : undefined;
}

/** Extends this process's claim; does nothing once the claim is no longer its own. */
export async function renewClaim(record: LedgerRecord, me: Claimant): Promise<void> {
    const current = await record.read();
    if (!isMine(current, me)) return;
    await record.write({ ...current, claim: { ...current.claim, until: me.now() + CLAIM_TTL_MS } });
}

/**
 * Lets go of a claim without having sent anything: the entry goes back to what it was (or, for a pin the ledger
 * had not seen, stays with a lapsed claim), so another run can take the pin at once.
 */
export async function releaseClaim(record: LedgerRecord, me: Claimant, previous: LedgerEntry | undefined): Promise<void> {
    const current = await record.read();
    if (!isMine(current, me)) return;
    await record.write(previous ?? { ...current, status: 'claimed', claim: { ...current.claim, until: me.now() } });
}

/**
 * Keeps the claims (and queue leases) a run holds alive while it works: a batch that outlasts a claim's lifetime,
 * a slow video, a long wait for the rate limit. Each held thing has a renew function, run when RENEW_EVERY_MS of
 * the run's clock have passed since it was last renewed: at the natural stops of the work (`renewDue`, before
 * every request), and from a timer while nothing else runs. A renewal that fails is only a warning: the check
 * right before each request catches a lapse.
 */
export class Renewals {
    private readonly held = new Map<string, { renew: () => Promise<void>; renewedAt: number }>();
    private stopTimer?: () => void;

    constructor(
        private readonly now: () => number,
        private readonly log?: Log,
        /** Calls `tick` every `ms` until the returned function is called; tests pass their own. */
        private readonly every: (ms: number, tick: () => void) => () => void = (ms, tick) => {
            const timer = setInterval(tick, ms);
            timer.unref();
            return () => clearInterval(timer);
        },
    ) {}

    hold(name: string, renew: () => Promise<void>): void {
        this.held.set(name, { renew, renewedAt: this.now() });
        this.stopTimer ??= this.every(RENEW_EVERY_MS / 2, () => void this.renewDue());
    }

    release(name: string): void {
        this.held.delete(name);
        if (this.held.size === 0) {
            this.stopTimer?.();
            this.stopTimer = undefined;
        }
    }

    /** Renews what has not been renewed for RENEW_EVERY_MS of the run's clock. */
    async renewDue(): Promise<void> {
        const due = [...this.held].filter(([, item]) => this.now() - item.renewedAt >= RENEW_EVERY_MS);
        await this.renew(due);
    }

    /** Renews everything held now. */
    async renewAll(): Promise<void> {
        await this.renew([...this.held]);
    }

    private async renew(items: Array<[string, { renew: () => Promise<void>; renewedAt: number }]>): Promise<void> {
        for (const [name, item] of items) {
            item.renewedAt = this.now();
            await item
                .renew()
                .catch((error: unknown) =>
                    this.log?.warning(
                        `Could not renew the claim on ${name} (${error instanceof Error ? error.message : String(error)}); it is checked again before sending.`,
                    ),
                );
        }
    }
}
