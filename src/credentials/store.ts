import { createHash } from 'node:crypto';

import { Actor } from 'apify';

import { type CredentialRecordStore, type StoredCredentials, storedCredentialsSchema } from './manager.js';

/**
 * The record key for one credential chain. It is derived from the refresh token the user put in the input (the
 * chain's origin, which every later run still sees) plus app and environment, hashed so the key reveals nothing.
 * Different accounts have different refresh tokens, so any number of them can share one store.
 */
export function credentialsRecordKey(environment: string, appId: string, inputRefreshToken: string): string {
    const digest = createHash('sha256').update(`${environment}\n${appId}\n${inputRefreshToken}`).digest('hex').slice(0, 32);
    return `pinterest-${environment}-${appId}-${digest}`;
}

/** The named key-value store that holds rotated tokens. Named stores outlive runs, which is the point. */
export async function openCredentialStore(storeName: string, key: string): Promise<CredentialRecordStore> {
    const store = await Actor.openKeyValueStore(storeName);
    return {
        description: `key-value store "${storeName}" (record ${key})`,
        async read(): Promise<StoredCredentials | undefined> {
            const value = await store.getValue(key);
            const parsed = storedCredentialsSchema.safeParse(value);
            // A damaged or foreign record is ignored rather than trusted; the next refresh overwrites it.
            return parsed.success ? parsed.data : undefined;
        },
        async write(record: StoredCredentials): Promise<void> {
            await store.setValue(key, record);
        },
    };
}
