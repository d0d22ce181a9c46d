/**
 * What the engines need of storage, so they never depend on the SDK: Apify's stores implement these in a run
 * (src/storage/stores.ts), and a Map implements them in a unit test.
 */

/** The two calls of a key-value store a record needs; Apify's `KeyValueStore` has them, and so does a test's Map. */
export interface KeyValueBackend {
    getValue(key: string): Promise<unknown>;
    setValue(key: string, value: unknown): Promise<void>;
}

/** A named store: it outlives runs and can be shared by several of them (ledger, queue, credentials). */
export interface NamedStore extends KeyValueBackend {
    readonly name: string;
    /** Every key that starts with `prefix`, in key order. */
    keys(prefix: string): Promise<string[]>;
}

/** Key-value stores a run may keep state in. */
export interface RunStorage {
    openNamedStore(name: string): Promise<NamedStore>;
    /** The run's default store: it survives a restart of the run (a migration), not the next run. */
    openRunStore(): Promise<KeyValueBackend>;
}
