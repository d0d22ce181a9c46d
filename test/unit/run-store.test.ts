/**
 * The run's own records locally (the delivery journal, the run's progress): a run killed while writing one and then
 * restarted must find the last complete record. The SDK's local storage rewrites a record's file in place, so a kill
 * can leave half of it, which the SDK then drops; the run store replaces the file whole, by a rename.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { actorStorage } from '../../src/storage/stores.js';

describe('the run store, locally', () => {
    const saved = { ...process.env };
    let dir: string;
    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), 'run-store-'));
        process.env.CRAWLEE_STORAGE_DIR = dir;
        delete process.env.APIFY_IS_AT_HOME;
        delete process.env.CRAWLEE_PERSIST_STORAGE;
    });
    afterEach(() => {
        process.env = { ...saved };
    });

    it('replaces a record whole (a new file renamed over the old one), never rewriting it in place', async () => {
        const store = await actorStorage.openRunStore();
        const file = join(dir, 'key_value_stores', 'default', 'PUBLISH-PROGRESS.json');
        await store.setValue('PUBLISH-PROGRESS', { pushed: 3, counts: { created: 3 } });
        const before = statSync(file).ino;
        await store.setValue('PUBLISH-PROGRESS', { pushed: 4, counts: { created: 4 } });
        expect(statSync(file).ino).not.toBe(before);
        expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ pushed: 4, counts: { created: 4 } });
        expect(await store.getValue('PUBLISH-PROGRESS')).toEqual({ pushed: 4, counts: { created: 4 } });
    });
});
