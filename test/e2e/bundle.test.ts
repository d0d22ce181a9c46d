/**
 * The bundle is what the image runs, alone: dist/ copied to a folder with no node_modules anywhere above it, as in
 * the image's runtime stage. It must work with both kinds of local storage and, as on the platform, with the
 * Apify API for input, dataset, key-value store and pay-per-event charges (here a stand-in of that API): the
 * SDK finds its storage clients by class name, which a careless bundle breaks.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { platformEnv, startApifyApiStandIn } from './apify-api-stand-in.js';
import { type AccountFixture, startWithAccount } from './fixture.js';
import { runActor } from './harness.js';

const DIST = fileURLToPath(new URL('../../dist', import.meta.url));
const BOARDS = 4;

let account: AccountFixture;
let shippedDir: string;
let shippedMain: string;

beforeAll(async () => {
    account = await startWithAccount({ username: 'bundled' });
    for (let board = 1; board < BOARDS; board += 1) account.emulator.state.createBoard(account.userId, { name: `Board ${board}` });
    shippedDir = mkdtempSync(join(tmpdir(), 'shipped-actor-'));
    cpSync(DIST, join(shippedDir, 'dist'), { recursive: true });
    shippedMain = join(shippedDir, 'dist', 'main.js');
});

afterAll(async () => {
    await account.emulator.close();
    rmSync(shippedDir, { recursive: true, force: true });
});

function hasNodeModulesAbove(dir: string): boolean {
    for (let current = dir; ; current = dirname(current)) {
        if (existsSync(join(current, 'node_modules'))) return true;
        if (dirname(current) === current) return false;
    }
}

describe('the shipped bundle', () => {
    it('runs with no node_modules to fall back on', () => {
        expect(hasNodeModulesAbove(shippedDir)).toBe(false);
    });

    it('stores items in local file storage', async () => {
        const run = await runActor({
            main: shippedMain,
            baseUrl: account.emulator.baseUrl,
            input: { accessToken: account.token },
            payPerEvent: true,
        });
        expect(run.exitCode, run.log).toBe(0);
        expect(run.items).toHaveLength(BOARDS);
        expect(run.charges.reduce((total, charge) => total + charge.chargedCount, 0)).toBe(BOARDS);
        expect(run.statusMessage).toBe(`Fetched ${BOARDS} boards.`);
    });

    it('works with local storage kept in memory', async () => {
        const run = await runActor({
            main: shippedMain,
            baseUrl: account.emulator.baseUrl,
            input: { accessToken: account.token },
            env: { CRAWLEE_PERSIST_STORAGE: 'false' },
        });
        expect(run.exitCode, run.log).toBe(0);
        expect(run.items).toEqual([]); // nothing on disk
        expect(run.statusMessage).toBe(`Fetched ${BOARDS} boards.`);
    });

    it('starts no program locally: Crawlee’s CPU and memory sampling is left alone', async () => {
        const run = await runActor({
            main: shippedMain,
            baseUrl: account.emulator.baseUrl,
            input: { accessToken: account.token },
            nodeArgs: ['--import', START_UP_REPORT],
            env: { CRAWLEE_PERSIST_STORAGE: 'false' },
        });
        expect(run.exitCode, run.log).toBe(0);
        // Crawlee samples the system with `getconf` and `ps` for autoscaled pools, which this Actor has none of.
        expect(startUpReport(run.log)).toEqual({ started: [] });
    });

    it('uses the Apify API for storage and charging when it runs on the platform', async () => {
        const api = await startApifyApiStandIn({ mode: 'list-boards', accessToken: account.token });
        try {
            const run = await runActor({
                main: shippedMain,
                baseUrl: account.emulator.baseUrl,
                input: {},
                env: platformEnv(api),
            });
            expect(run.exitCode, `${run.log}\nAPI calls:\n${api.calls.join('\n')}`).toBe(0);
            expect(api.pushedItems).toHaveLength(BOARDS);
            expect(api.pushedItems.map((item) => item.type)).toEqual(Array(BOARDS).fill('board'));
            expect(api.charges).toEqual([{ eventName: 'item-fetched', count: BOARDS }]);
            expect(api.records.get('RUN-PROGRESS')).toMatchObject({ delivered: BOARDS, done: true });
            expect(api.statusMessages.at(-1)).toBe(`Fetched ${BOARDS} boards.`);
            expect(run.items).toEqual([]); // nothing in local storage
        } finally {
            await api.close();
        }
    });
});

const START_UP_REPORT = fileURLToPath(new URL('./report-start-up.mjs', import.meta.url));
const startUpReport = (log: string): unknown => JSON.parse(/START_UP_REPORT (.*)/.exec(log)?.[1] ?? 'null');
