import { AnalyticsHistory } from '../analytics/history.js';
import type { PublishedPinRef } from '../analytics/snapshot.js';
import type { PinterestClient } from '../pinterest/client.js';
import type { Account } from '../pinterest/schemas.js';
import { accountHash, PinLedger } from '../publish/ledger.js';
import type { RunStorage } from '../storage/contracts.js';

/**
 * What the analytics modes share about an account's own records: its hash (as the ledger's index and the queue
 * name accounts), its history, and the pins this Actor published for it.
 */

export interface AccountRecords {
    account: Account;
    /** The account's hash in keys shared by several accounts' records. */
    key: string;
}

/** The token's account (asked once per client: preflight has usually fetched it already) and its hash. */
export async function accountRecords(client: Pick<PinterestClient, 'getUserAccount'>, environment: string): Promise<AccountRecords> {
    const { account } = await client.getUserAccount();
    return { account, key: accountHash(environment, account.id ?? account.username ?? 'unknown') };
}

export async function openHistory(storage: RunStorage, storeName: string, { account, key }: AccountRecords): Promise<AnalyticsHistory> {
    return new AnalyticsHistory(await storage.openNamedStore(storeName), key, { id: account.id ?? null, username: account.username ?? null });
}

/**
 * The pins this Actor published for the account from `since` to `until` (epoch ms, both included), oldest first, at
 * most `limit`: one listing of the ledger's index per 1,000 pins, no record read.
 */
export async function publishedPins(
    storage: RunStorage,
    ledgerStoreName: string,
    accountKey: string,
    { since = 0, until = Number.MAX_SAFE_INTEGER, limit = Number.MAX_SAFE_INTEGER }: { since?: number; until?: number; limit?: number } = {},
): Promise<{ pins: PublishedPinRef[]; hasMore: boolean }> {
    const store = await storage.openNamedStore(ledgerStoreName);
    const { prefix, startAfter: first } = PinLedger.publishedRange(accountKey, since);
    const pins: PublishedPinRef[] = [];
    let startAfter: string | undefined = first;
    do {
        const page = await store.listKeys({ prefix, startAfter });
        for (const key of page.keys) {
            const pin = PinLedger.publishedPinOf(key);
            if (!pin) continue;
            if (pin.publishedAt > until) return { pins, hasMore: false };
            if (pins.length >= limit) return { pins, hasMore: true };
            pins.push(pin);
        }
        startAfter = page.nextStartAfter;
    } while (startAfter !== undefined);
    return { pins, hasMore: false };
}
