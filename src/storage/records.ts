import { z } from 'zod';

import { ActorError } from '../common/errors.js';
import { redactSecrets } from '../pinterest/redact.js';
import type { KeyValueBackend } from './contracts.js';

/** The last millisecond of year 9999: no time the Actor stores is later, and none is negative. */
export const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** A point in time as records keep it: epoch milliseconds, bounded so that a damaged record is told apart from a date. */
export const TIME_MS = z.number().int().min(0).max(MAX_TIME_MS);

/** A record exists but does not parse: the run stops rather than silently starting afresh and repeating work. */
export class RecordCorruptError extends ActorError {
    override name = 'RecordCorruptError';
}

/** A record could not be written even after retries. */
export class RecordWriteError extends ActorError {
    override name = 'RecordWriteError';
}

export interface RecordWritePolicy {
    /** Attempts in all, the first included. */
    attempts: number;
    baseDelayMs: number;
    sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_WRITE_POLICY: RecordWritePolicy = {
    attempts: 4,
    baseDelayMs: 500,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * One key-value record with a schema: the run journal, the stored credentials, ledger entries and queue entries
 * are all one of these. Reads validate; writes are retried with backoff, because the record usually guards
 * something irreversible that already happened (a pin posted, a token rotated).
 */
export class TypedRecord<S extends z.ZodType> {
    constructor(
        private readonly backend: KeyValueBackend,
        readonly key: string,
        private readonly schema: S,
        /** Where the record lives, for messages: `record RUN-PROGRESS in the run's key-value store`. */
        readonly description: string,
        private readonly policy: RecordWritePolicy = DEFAULT_WRITE_POLICY,
        /** What a damaged record means for this kind of record and what to do, after "so the Actor stopped". */
        private readonly damagedAdvice = 'instead of guessing what was already done: delete or fix that record and run again',
    ) {}

    /** The record, or undefined when there is none. A record that does not parse throws RecordCorruptError. */
    async read(): Promise<z.infer<S> | undefined> {
        let value: unknown;
        try {
            value = await this.backend.getValue(this.key);
        } catch (error) {
            // A record cut short (a write that died half-way, a hand edit) is damaged, not a failure of the store.
            if (!(error instanceof SyntaxError)) throw error;
            throw new RecordCorruptError(`The ${this.description} is damaged (not valid JSON), so the Actor stopped ${this.damagedAdvice}.`);
        }
        if (value === null || value === undefined) return undefined;
        const parsed = this.schema.safeParse(value);
        if (parsed.success) return parsed.data;
        const issue = parsed.error.issues[0];
        const where = issue ? ` (${issue.path.join('.') || 'value'}: ${issue.message})` : '';
        throw new RecordCorruptError(
            `The ${this.description} is damaged${where}, so the Actor stopped ${this.damagedAdvice}.`,
        );
    }

    async write(value: z.infer<S>): Promise<void> {
        await writeWithRetry(this.backend, this.key, this.schema.parse(value), this.description, this.policy);
    }
}

/** Writes a value, retrying with exponential backoff; the last failure becomes a RecordWriteError naming the record. */
export async function writeWithRetry(
    backend: KeyValueBackend,
    key: string,
    value: unknown,
    description: string,
    policy: RecordWritePolicy = DEFAULT_WRITE_POLICY,
): Promise<void> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= policy.attempts; attempt += 1) {
        try {
            await backend.setValue(key, value);
            return;
        } catch (error) {
            lastError = error;
            if (attempt < policy.attempts) await policy.sleep(policy.baseDelayMs * 2 ** (attempt - 1));
        }
    }
    const reason = redactSecrets(lastError instanceof Error ? lastError.message : String(lastError));
    throw new RecordWriteError(`Could not save the ${description} after ${policy.attempts} attempts (${reason}).`);
}
