import type { ChargeEvent } from './events.js';

/**
 * The part of the budget held for work under way: a pin being created is paid for before its request leaves, but
 * charged only when its row is stored, so what the SDK still allows is not all that is free.
 */
export class Reservations {
    private readonly held: Partial<Record<ChargeEvent, number>> = {};

    /** `withinLimit`: how many more of an event the budget pays for, as the charging side counts it. */
    constructor(private readonly withinLimit: (event: ChargeEvent) => number) {}

    budgetFor(event: ChargeEvent): number {
        return this.withinLimit(event) - (this.held[event] ?? 0);
    }

    /** Holds one event; the returned release (safe to call twice) gives it back. Undefined when none is free. */
    reserve(event: ChargeEvent): (() => void) | undefined {
        if (this.budgetFor(event) < 1) return undefined;
        this.held[event] = (this.held[event] ?? 0) + 1;
        let holding = true;
        return () => {
            if (holding) this.held[event] = (this.held[event] ?? 1) - 1;
            holding = false;
        };
    }
}

/**
 * The one budget of a run over several accounts (the user's maximum total charge), shared in a stated order, so
 * that accounts running side by side cannot race for it: each account may spend an equal share of what the budget
 * buys of an event when the first account asks for that event, the remainder of an uneven split going to the
 * accounts listed first; when an account finishes, what it left unused passes to the earliest-listed account that
 * has not finished. The run's own limit (the SDK's) still applies on top.
 */
export class AccountShares {
    private readonly shares = new Map<ChargeEvent, number[]>();
    private readonly used: Array<Partial<Record<ChargeEvent, number>>>;
    private readonly finished: boolean[];

    /** `budgetFor`: how many more of an event the whole run may still pay for. */
    constructor(
        private readonly accounts: number,
        private readonly budgetFor: (event: ChargeEvent) => number,
    ) {
        this.used = Array.from({ length: accounts }, () => ({}));
        this.finished = Array.from({ length: accounts }, () => false);
    }

    private sharesOf(event: ChargeEvent): number[] {
        let shares = this.shares.get(event);
        if (!shares) {
            const spent = this.used.reduce((sum, used) => sum + (used[event] ?? 0), 0);
            const total = Math.max(0, this.budgetFor(event)) + spent;
            const even = Number.isFinite(total) ? Math.floor(total / this.accounts) : Infinity;
            const extra = Number.isFinite(total) ? total - even * this.accounts : 0;
            shares = Array.from({ length: this.accounts }, (_, index) => even + (index < extra ? 1 : 0));
            this.shares.set(event, shares);
        }
        return shares;
    }

    /** How many more `event`s account `index` (in the listed order) may pay for out of its share; the run's own limit is the caller's. */
    left(index: number, event: ChargeEvent): number {
        const share = this.sharesOf(event)[index] ?? 0;
        return Math.max(0, share - (this.used[index]![event] ?? 0));
    }

    /** Account `index` paid for `count` more `event`s. */
    spend(index: number, event: ChargeEvent, count: number): void {
        this.sharesOf(event);
        this.used[index]![event] = (this.used[index]![event] ?? 0) + count;
    }

    /** Account `index` is done: its unused shares go to the earliest-listed account still to finish. */
    finish(index: number): void {
        this.finished[index] = true;
        const heir = this.finished.findIndex((done) => !done);
        for (const [event, shares] of this.shares) {
            if (!Number.isFinite(shares[index])) continue;
            const unused = Math.max(0, shares[index]! - (this.used[index]![event] ?? 0));
            shares[index] = shares[index]! - unused;
            if (heir >= 0) shares[heir] = shares[heir]! + unused;
        }
    }
}
