import { Actor } from 'apify';

import type { NamedStore, RunStorage } from '../modes/types.js';

/** Named key-value stores on the platform (or under the local storage dir): they outlive runs. */
export const actorStorage: RunStorage = {
    async openNamedStore(name) {
        const store = await Actor.openKeyValueStore(name);
        const named: NamedStore = {
            name,
            getValue: async (key) => store.getValue(key),
            setValue: async (key, value) => store.setValue(key, value),
            async keys(prefix) {
                const keys: string[] = [];
                await store.forEachKey(async (key) => {
                    if (key.startsWith(prefix)) keys.push(key);
                }, { prefix });
                return keys.sort();
            },
        };
        return named;
    },
};
