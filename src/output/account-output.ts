import type { AccountShares } from './budget.js';
import { type ChargeEvent, EVENTS } from './events.js';
import type { DeliveryResult, RunOutput } from './run-output.js';

/** The report's record of one account's part, in a run over several accounts. */
export const accountReportKey = (label: string) => `report-${label}.html`;

/** Where an account's part keeps a record of the run's store: its own key, so that accounts never share one. */
export const accountRecordKey = (key: string, label: string) => (key === 'report.html' ? accountReportKey(label) : `${key}-${label}`);

/** Rows pulled from the dataset at a time when looking for one account's rows. */
const READ_PAGE = 1000;

/**
 * One account's view of the run's output, in a run over several accounts: its rows carry `account` (the label),
 * its records get keys of their own (`report-<label>.html`), its charges come out of its share of the budget
 * (AccountShares), and its dataset is its own rows, in order, so that a restarted part finds what it stored.
 *
 * Charges are counted per account in this process only (`knowsEarlierCharges` false): the platform's charge count
 * is the run's, which the other accounts move too. A restarted part then tells what it stored from its rows, as a
 * local run does.
 */
export function accountOutput(base: RunOutput, label: string, index: number, shares: AccountShares): RunOutput {
    const charged: Partial<Record<ChargeEvent, number>> = {};
    const held: Partial<Record<ChargeEvent, number>> = {};
    const count = (event: ChargeEvent, delta: number) => {
        charged[event] = (charged[event] ?? 0) + delta;
        shares.spend(index, event, delta);
    };
    const tag = (rows: object[]) => rows.map((row) => ({ ...row, account: label }));

    const output: RunOutput = {
        budgetFor: (event) => Math.min(base.budgetFor(event), shares.left(index, event) - (held[event] ?? 0)),

        reserve(event) {
            if (output.budgetFor(event) < 1) return undefined;
            const release = base.reserve(event);
            if (!release) return undefined;
            held[event] = (held[event] ?? 0) + 1;
            let holding = true;
            return () => {
                if (holding) held[event] = (held[event] ?? 1) - 1;
                holding = false;
                release();
            };
        },

        chargedCount: (event) => charged[event] ?? 0,
        knowsEarlierCharges: false,

        async chargeStored(event, stored) {
            await base.chargeStored(event, stored);
            count(event, stored);
        },

        async readStoredItems(offset, limit) {
            if (limit <= 0) return [];
            const mine: Array<Record<string, unknown>> = [];
            let seen = 0;
            for (let position = 0; mine.length < limit; position += READ_PAGE) {
                const page = await base.readStoredItems(position, READ_PAGE);
                for (const item of page) {
                    if (item.account !== label) continue;
                    if (seen >= offset && mine.length < limit) mine.push(item);
                    seen += 1;
                }
                if (page.length < READ_PAGE) break;
            }
            return mine;
        },

        async pushFetched(items) {
            return output.pushRows(items, EVENTS.itemFetched);
        },

        async pushRows(rows, event): Promise<DeliveryResult> {
            if (rows.length === 0) return { delivered: 0, budgetExhausted: false };
            if (!event) return base.pushRows(tag(rows));
            // Reserved rows are within the share already: what is left counts charges, not reservations.
            const allowed = Math.max(0, Math.min(rows.length, shares.left(index, event)));
            const result = allowed > 0 ? await base.pushRows(tag(rows.slice(0, allowed)), event) : { delivered: 0, budgetExhausted: true };
            count(event, result.delivered);
            return { delivered: result.delivered, budgetExhausted: result.budgetExhausted || result.delivered < rows.length };
        },

        async saveRecord(key, value, contentType) {
            await base.saveRecord(accountRecordKey(key, label), value, contentType);
        },

        chargedEvents() {
            return Object.fromEntries(Object.entries(charged).filter(([, value]) => (value ?? 0) > 0)) as Record<string, number>;
        },

        async progress(message) {
            await base.progress?.(`${label}: ${message}`);
        },
    };
    return output;
}
