/**
 * What the engines need of storage, so they never depend on the SDK: Apify's stores implement these in a run
 * (src/storage/stores.ts), and a Map implements them in a unit test (src/storage/memory-store.ts).
 *
 * On the platform every call below is one HTTP request to the Apify API: loops over records cost a request each,
 * so layouts are designed for the calls they make (see schedule/queue.ts).
 */

/** The two calls of a key-value store a record needs; Apify's `KeyValueStore` has them, and so does a test's Map. */
export interface KeyValueBackend {
    getValue(key: string): Promise<unknown>;
    setValue(key: string, value: unknown): Promise<void>;
}

/** One page of keys, in key order (lexicographic, as the platform sorts them). */
export interface KeyPage {
    keys: string[];
    /** Where the next page starts (exclusive); undefined on the last page. */
    nextStartAfter?: string;
}

export interface ListKeysOptions {
    prefix: string;
    /** Only keys after this one. */
    startAfter?: string;
    /** At most this many keys (the platform answers at most 1,000 per call). */
    limit?: number;
}

/** A named store: it outlives runs and can be shared by several of them (ledger, queue, credentials). */
export interface NamedStore extends KeyValueBackend {
    readonly name: string;
    /** One page of the keys that start with `prefix`: one call. */
    listKeys(options: ListKeysOptions): Promise<KeyPage>;
    /** Removes a record; removing one that is not there is fine. */
    delete(key: string): Promise<void>;
}

/** Key-value stores a run may keep state in. */
export interface RunStorage {
    openNamedStore(name: string): Promise<NamedStore>;
    /** The run's default store: it survives a restart of the run (a migration), not the next run. */
    openRunStore(): Promise<KeyValueBackend>;
}

/** The most keys the platform lists in one call. */
export const MAX_KEYS_PER_PAGE = 1000;

/** Every key that starts with `prefix`, page by page (one call per 1,000 keys): only for rare, whole-store work. */
export async function* allKeys(store: NamedStore, prefix: string): AsyncGenerator<string> {
    let startAfter: string | undefined;
    do {
        const page = await store.listKeys({ prefix, startAfter, limit: MAX_KEYS_PER_PAGE });
        yield* page.keys;
        startAfter = page.nextStartAfter;
    } while (startAfter !== undefined);
}
