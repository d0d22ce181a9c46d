import type { KeyPage, ListKeysOptions, NamedStore } from './contracts.js';

/** Keys in the order the platform lists them: by UTF-16 code units, which for the allowed characters is ASCII order. */
export const byKeyOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** One page of `keys` (any order) as the platform would answer it. */
export function pageOf(keys: Iterable<string>, { prefix, startAfter, limit = 1000 }: ListKeysOptions): KeyPage {
    const matching = [...keys].filter((key) => key.startsWith(prefix) && (startAfter === undefined || key > startAfter)).sort(byKeyOrder);
    const page = matching.slice(0, limit);
    return { keys: page, nextStartAfter: matching.length > page.length ? page.at(-1) : undefined };
}

/**
 * A named store held in this process: for runs that keep no storage on disk (CRAWLEE_PERSIST_STORAGE=false), where
 * named stores end with the run anyway, and for unit tests. Values are copied in and out, as a real store's are.
 */
export function memoryNamedStore(name: string, records = new Map<string, string>()): NamedStore {
    return {
        name,
        async getValue(key) {
            const text = records.get(key);
            return text === undefined ? undefined : (JSON.parse(text) as unknown);
        },
        async setValue(key, value) {
            records.set(key, JSON.stringify(value));
        },
        async listKeys(options) {
            return pageOf(records.keys(), options);
        },
        async delete(key) {
            records.delete(key);
        },
    };
}
