import { createHash } from 'node:crypto';

import type { KeyValueBackend } from '../storage/contracts.js';
import { DEFAULT_WRITE_POLICY, type RecordWritePolicy, TypedRecord } from '../storage/records.js';
import { actorStorage } from '../storage/stores.js';
import { type CredentialRecordStore, storedCredentialsSchema } from './manager.js';

/**
 * The record key for one credential chain. It is derived from the refresh token the user put in the input (the
 * chain's origin, which every later run still sees) plus app and environment, hashed so the key reveals nothing.
 * Different accounts have different refresh tokens, so any number of them can share one store.
 */
export function credentialsRecordKey(environment: string, appId: string, inputRefreshToken: string): string {
    const digest = createHash('sha256').update(`${environment}\n${appId}\n${inputRefreshToken}`).digest('hex').slice(0, 32);
    return `pinterest-${environment}-${appId}-${digest}`;
}

/**
 * The record key for an account connected by label (the `connect-account` mode writes it; an `accounts` item that
 * names only its label reads it). Labels are 1–40 letters, digits and hyphens, so the key is safe on the platform.
 */
export function labelledCredentialsKey(environment: string, appId: string, label: string): string {
    return `pinterest-${environment}-${appId}-label-${label.toLowerCase()}`;
}

/**
 * The credentials record of one chain in a key-value store. A damaged record stops the run: falling back to the
 * refresh token in the input would most likely use one Pinterest has already retired, and the next successful
 * refresh would overwrite what could still be repaired. Writes are retried with backoff.
 */
export function credentialRecordStore(
    backend: KeyValueBackend,
    storeName: string,
    key: string,
    policy: RecordWritePolicy = DEFAULT_WRITE_POLICY,
): CredentialRecordStore {
    const description = `key-value store "${storeName}" (record ${key})`;
    const record = new TypedRecord(
        backend,
        key,
        storedCredentialsSchema,
        `Pinterest credentials in ${description}`,
        policy,
        'rather than fall back to the refresh token in the input, which Pinterest may already have replaced: delete that record to start again from the input (authorise the app again with npm run auth if Pinterest then rejects the refresh token)',
    );
    return { description, read: async () => record.read(), write: async (value) => record.write(value) };
}

/**
 * The named key-value store that holds rotated tokens. Named stores outlive runs, which is the point; opened like
 * the ledger, so that locally too a run sees the pair an overlapping run saved a moment ago.
 */
export async function openCredentialStore(storeName: string, key: string): Promise<CredentialRecordStore> {
    return credentialRecordStore(await actorStorage.openNamedStore(storeName), storeName, key);
}
