import { Actor } from 'apify';
import { z } from 'zod';

import type { KeyValueBackend } from './contracts.js';
import { DEFAULT_WRITE_POLICY, type RecordWritePolicy, TypedRecord } from './records.js';

/**
 * What a run has done so far that must not be done twice. On the platform a migration restarts the Actor from
 * the top within the same run; the run's default key-value store survives it, so progress recorded there after
 * every irreversible step (items stored and charged, a pin posted) lets the restarted run carry on instead of
 * repeating. Locally the store is purged at start, so a new run starts afresh.
 */
export interface RunJournal {
    read(): Promise<unknown>;
    write(entry: unknown): Promise<void>;
}

export const JOURNAL_KEY = 'RUN-PROGRESS';
export const JOURNAL_DESCRIPTION = `run progress (record ${JOURNAL_KEY} in the run's default key-value store)`;

/**
 * The journal in a key-value store. Writes are retried with backoff: the entry usually records something that
 * already happened (items charged, a pin posted), and losing it would repeat it after a restart.
 */
export function createRunJournal(backend: KeyValueBackend, policy: RecordWritePolicy = DEFAULT_WRITE_POLICY, key = JOURNAL_KEY): RunJournal {
    const description = key === JOURNAL_KEY ? JOURNAL_DESCRIPTION : `run progress (record ${key} in the run's default key-value store)`;
    const record = new TypedRecord(backend, key, z.unknown(), description, policy);
    return { read: async () => record.read(), write: async (entry) => record.write(entry) };
}

export const actorJournal: RunJournal = createRunJournal({
    getValue: async (key) => Actor.getValue(key),
    setValue: async (key, value) => Actor.setValue(key, value),
});

/**
 * The journal's entry read with a mode's schema: undefined when there is none, and a RecordCorruptError naming the
 * record when it does not parse. Starting afresh instead would repeat (and charge) what was already done.
 */
export async function readProgress<S extends z.ZodType>(journal: RunJournal, schema: S): Promise<z.infer<S> | undefined> {
    const entry = await journal.read();
    const backend: KeyValueBackend = { getValue: async () => entry, setValue: async () => undefined };
    return new TypedRecord(backend, JOURNAL_KEY, schema, JOURNAL_DESCRIPTION).read();
}
