/**
 * The bundle is what the image runs, alone: dist/ copied to a folder with no node_modules anywhere above it, as in
 * the image's runtime stage. It must work with both kinds of local storage and, as on the platform, with the
 * Apify API for input, dataset, key-value store and pay-per-event charges (test/apify-api's stand-in): the
 * SDK finds its storage clients by class name, which a careless bundle breaks.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { useAccount } from './use-account.js';
import { runActor } from './harness.js';
import { useWorld } from './worlds.js';

const DIST = fileURLToPath(new URL('../../dist', import.meta.url));
const BOARDS = 4;

const account = useAccount({ username: 'bundled' });
let shippedDir: string;
let shippedMain: string;

beforeAll(async () => {
    for (let board = 1; board < BOARDS; board += 1) account.emulator.state.createBoard(account.userId, { name: `Board ${board}` });
    shippedDir = mkdtempSync(join(tmpdir(), 'shipped-actor-'));
    cpSync(DIST, join(shippedDir, 'dist'), { recursive: true });
    shippedMain = join(shippedDir, 'dist', 'main.js');
});

afterAll(async () => {
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

    describe('on the platform', () => {
        const platform = useWorld('platform');

        it('uses the Apify API for input, storage, charging and the status message', async () => {
            const run = await platform.run({
                main: shippedMain,
                baseUrl: account.emulator.baseUrl,
                input: { mode: 'list-boards', accessToken: account.token },
                payPerEvent: true,
                maxTotalChargeUsd: 5,
                nodeArgs: ['--import', START_UP_REPORT],
            });
            const calls = platform.api!.calls.map((call) => `${call.method} ${call.path} ${call.status}`).join('\n');
            expect(run.exitCode, `${run.log}\nAPI calls:\n${calls}`).toBe(0);
            expect(run.items.map((item) => item.type)).toEqual(Array(BOARDS).fill('board'));
            expect(run.charges).toEqual([{ eventName: 'item-fetched', chargedCount: BOARDS }]);
            expect(run.record('RUN-PROGRESS')).toMatchObject({ delivered: BOARDS, done: true });
            expect(run.statusMessage).toBe(`Fetched ${BOARDS} boards.`);
            expect(platform.api!.callCounts().unknown).toBeUndefined();
            // Nothing went to local storage (the world checks), and no program was started.
            expect(startUpReport(run.log)).toMatchObject({ started: [] });
        });
    });
});

const START_UP_REPORT = fileURLToPath(new URL('./report-start-up.mjs', import.meta.url));
const startUpReport = (log: string): unknown => JSON.parse(/START_UP_REPORT (.*)/.exec(log)?.[1] ?? 'null');
