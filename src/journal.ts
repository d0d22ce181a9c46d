import { Actor } from 'apify';

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

const JOURNAL_KEY = 'RUN-PROGRESS';

export const actorJournal: RunJournal = {
    async read() {
        return Actor.getValue(JOURNAL_KEY);
    },
    async write(entry) {
        await Actor.setValue(JOURNAL_KEY, entry);
    },
};
