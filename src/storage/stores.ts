import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { Actor } from 'apify';

import type { NamedStore, RunStorage } from './contracts.js';

/**
 * Named key-value stores outlive runs and may be shared by runs that overlap (a schedule firing while the last
 * run still works). On the platform every read goes to the store's API, so runs see each other's writes. The SDK's
 * local storage, though, caches a store in the process that opened it: two local runs would never see each other's
 * leases. Locally, named stores are therefore read and written as files in the same layout the SDK uses, every
 * time, with atomic renames.
 */
export const actorStorage: RunStorage = {
    async openNamedStore(name) {
        if (Actor.isAtHome() || process.env.CRAWLEE_PERSIST_STORAGE === 'false') return platformStore(name);
        return localFileStore(name, join(localStorageDir(), 'key_value_stores', name));
    },

    async openRunStore() {
        const store = await Actor.openKeyValueStore();
        return { getValue: async (key) => store.getValue(key), setValue: async (key, value) => store.setValue(key, value) };
    },
};

async function platformStore(name: string): Promise<NamedStore> {
    const store = await Actor.openKeyValueStore(name);
    return {
        name,
        getValue: async (key) => store.getValue(key),
        setValue: async (key, value) => store.setValue(key, value),
        async keys(prefix) {
            const keys: string[] = [];
            await store.forEachKey(
                async (key) => {
                    if (key.startsWith(prefix)) keys.push(key);
                },
                { prefix },
            );
            return keys.sort();
        },
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
        async keys(prefix) {
            const names = await readdir(dir);
            return names
                .filter((entry) => entry.endsWith('.json') && !entry.startsWith('.') && !entry.startsWith('__') && entry.startsWith(prefix))
                .map((entry) => entry.slice(0, -'.json'.length))
                .sort();
        },
    };
}
