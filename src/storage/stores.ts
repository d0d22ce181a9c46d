import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { Actor } from 'apify';

import type { NamedStore, RunStorage } from './contracts.js';
import { memoryNamedStore, pageOf } from './memory-store.js';

/**
 * Named key-value stores outlive runs and may be shared by runs that overlap (a schedule firing while the last
 * run still works).
 * - On the platform they are the Apify API's stores, reached with the platform's API client directly: one call
 *   opens a store by name (the SDK's open makes two), and every record call is one request, with no cache in
 *   between, so overlapping runs see each other's writes.
 * - Locally, the SDK's storage caches a store in the process that opened it, so two local runs would never see
 *   each other's leases. Named stores are therefore files in the layout the SDK uses, read and written on every
 *   call, with atomic renames; without persistent storage (CRAWLEE_PERSIST_STORAGE=false) they live in memory.
 */
export const actorStorage: RunStorage = {
    async openNamedStore(name) {
        if (Actor.isAtHome()) return platformStore(name);
        if (process.env.CRAWLEE_PERSIST_STORAGE === 'false') return (inMemory[name] ??= memoryNamedStore(name));
        return localFileStore(name, join(localStorageDir(), 'key_value_stores', name));
    },

    async openRunStore() {
        // The SDK's local storage writes a record by rewriting its file in place, and drops a half-written one at the
        // next start: a run killed meanwhile and restarted would forget how far it had stored its rows (and store
        // and charge them again). The run's own records therefore go through the file store's atomic renames, in
        // the folder of the run's default store.
        if (!Actor.isAtHome() && process.env.CRAWLEE_PERSIST_STORAGE !== 'false') {
            const id = process.env.ACTOR_DEFAULT_KEY_VALUE_STORE_ID || process.env.APIFY_DEFAULT_KEY_VALUE_STORE_ID || 'default';
            return localFileStore(id, join(localStorageDir(), 'key_value_stores', id));
        }
        const store = await Actor.openKeyValueStore();
        return { getValue: async (key) => store.getValue(key), setValue: async (key, value) => store.setValue(key, value) };
    },
};

const inMemory: Record<string, NamedStore> = {};

async function platformStore(name: string): Promise<NamedStore> {
    const { id } = await Actor.apifyClient.keyValueStores().getOrCreate(name);
    const client = Actor.apifyClient.keyValueStore(id);
    return {
        name,
        getValue: async (key) => (await client.getRecord(key))?.value,
        setValue: async (key, value) => client.setRecord({ key, value: value as Parameters<typeof client.setRecord>[0]['value'] }),
        async listKeys({ prefix, startAfter, limit }) {
            const page = await client.listKeys({ prefix, exclusiveStartKey: startAfter, limit });
            const keys = page.items.map((item) => item.key);
            return { keys, nextStartAfter: page.isTruncated && keys.length > 0 ? (page.nextExclusiveStartKey ?? keys.at(-1)) : undefined };
        },
        delete: async (key) => client.deleteRecord(key),
    };
}

function localStorageDir(): string {
    return resolve(process.env.CRAWLEE_STORAGE_DIR ?? process.env.APIFY_LOCAL_STORAGE_DIR ?? './storage');
}

/** JSON records as `<key>.json` files, read from disk on every call. */
export async function localFileStore(name: string, dir: string): Promise<NamedStore> {
    await mkdir(dir, { recursive: true });
    const file = (key: string) => join(dir, `${key}.json`);
    return {
        name,
        async getValue(key) {
            try {
                return JSON.parse(await readFile(file(key), 'utf8')) as unknown;
            } catch (error) {
                if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
                throw error;
            }
        },
        async setValue(key, value) {
            // Readers in other processes see the old record or the new one, never half of one.
            const temporary = join(dir, `.${key}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
            await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`);
            await rename(temporary, file(key));
        },
        async listKeys(options) {
            const names = await readdir(dir);
            const keys = names
                .filter((entry) => entry.endsWith('.json') && !entry.startsWith('.') && !entry.startsWith('__'))
                .map((entry) => entry.slice(0, -'.json'.length));
            return pageOf(keys, options);
        },
        async delete(key) {
            await rm(file(key), { force: true });
        },
    };
}
