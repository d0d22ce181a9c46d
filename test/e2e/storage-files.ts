import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reading what a running (or killed) Actor wrote, without racing it: a file being written may be half there, so
 * these return only what parses, and callers poll until what they wait for is complete.
 */
export function readCompleteJson(path: string): unknown {
    if (!existsSync(path)) return undefined;
    try {
        return JSON.parse(readFileSync(path, 'utf8'));
    } catch {
        return undefined;
    }
}

/** A record of the run's default key-value store, once it is completely written. */
export const readDefaultRecord = (storageDir: string, key: string): unknown =>
    readCompleteJson(join(storageDir, 'key_value_stores', 'default', `${key}.json`));

/** The run journal's entry, when complete. */
export const readJournal = (storageDir: string) => readDefaultRecord(storageDir, 'RUN-PROGRESS') as Record<string, unknown> | undefined;
