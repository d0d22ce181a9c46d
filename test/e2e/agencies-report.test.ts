/**
 * Reports across clients: get-account-analytics over several accounts writes each account's report
 * (`report-<label>.html`) and an overview (`report.html`), opened here in a real headless Chromium (as in
 * analytics-report.test.ts), offline: one row per account with the numbers of its dataset rows and the pins this
 * Actor published for it in the range, linked to its report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type PinterestEmulator, startEmulator } from '../emulator/index.js';
import { type AnalyticsAccount, seedAnalyticsAccount, startImageServer, utcDate } from './analytics-fixture.js';
import { haveBrowser, launchBrowser } from './browser.js';
import { type ActorRun, newStorageDir, runActor } from './harness.js';

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- dataset rows, probed field by field

let emulator: PinterestEmulator;
let images: Awaited<ReturnType<typeof startImageServer>>;
let garden: AnalyticsAccount;
let kitchen: AnalyticsAccount;
let browser: Browser;

beforeAll(async () => {
    if (!haveBrowser) return;
    emulator = await startEmulator();
    images = await startImageServer();
    garden = seedAnalyticsAccount(emulator, images, { pins: 6, username: 'agencygarden' });
    kitchen = seedAnalyticsAccount(emulator, images, { pins: 4, username: 'agencykitchen' });
    browser = await launchBrowser();
});
afterAll(async () => {
    await browser?.close();
    await emulator?.close();
    await images?.close();
});

const number = new Intl.NumberFormat('en-US');
const recordPath = (run: ActorRun, key: string) => join(run.storageDir, 'key_value_stores', 'default', key);

describe.skipIf(!haveBrowser)('the overview report of several accounts in Chromium', () => {
    it('one row per account with its totals, its change and its published pins, linked to its own report', async () => {
        const storageDir = newStorageDir();
        const accounts = [
            { label: 'garden', accessToken: garden.token },
            { label: 'kitchen', accessToken: kitchen.token },
        ];
        // Two pins published for garden three days ago, through the Actor, so the ledger knows them.
        const threeDaysAgo = `${utcDate(-3)}T10:00:00Z`;
        const published = await runActor({
            baseUrl: emulator.baseUrl,
            storageDir,
            input: {
                mode: 'create-pin',
                accounts,
                pins: [1, 2].map((n) => ({ account: 'garden', boardId: garden.boardId, pinTitle: `New bed ${n}`, imageUrl: images.url(`new-${n}`) })),
            },
            env: { ACTOR_TEST_NOW: threeDaysAgo },
        });
        expect(published.exitCode, published.log).toBe(0);

        const run = await runActor({
            baseUrl: emulator.baseUrl,
            storageDir,
            input: { mode: 'get-account-analytics', accounts, startDate: utcDate(-14), endDate: utcDate(-1), topPinsCount: 3 },
        });
        expect(run.exitCode, run.log).toBe(0);
        const output = run.record('OUTPUT') as Row;
        expect(output.report).toBe('report.html');
        expect(output.accounts.map((each: Row) => [each.label, each.status, each.details.report])).toEqual([
            ['garden', 'succeeded', 'report-garden.html'],
            ['kitchen', 'succeeded', 'report-kitchen.html'],
        ]);
        const rows = run.items as Row[];
        const totals = (label: string, metric: string) =>
            rows.filter((row) => row.type === 'accountAnalytics' && row.account === label).reduce((sum, row) => sum + (row.metrics[metric] ?? 0), 0);

        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const attempted: string[] = [];
        await context.route('**/*', async (route) => {
            const url = route.request().url();
            if (url.startsWith('file:')) return route.continue();
            attempted.push(url);
            return route.abort();
        });
        const page = await context.newPage();
        await page.goto(`file://${recordPath(run, 'report.html')}`);
        await expect(page.locator('h1').textContent()).resolves.toBe('Pinterest accounts overview');
        const tableRows = page.locator('table.accounts tbody tr');
        await expect(tableRows.count()).resolves.toBe(2);
        for (const [index, label] of ['garden', 'kitchen'].entries()) {
            const row = tableRows.nth(index);
            await expect(row.getAttribute('data-account')).resolves.toBe(label);
            for (const metric of ['impression', 'save', 'pinClick', 'outboundClick']) {
                await expect(row.locator(`td[data-metric="${metric}"]`).textContent(), `${label} ${metric}`).resolves.toBe(
                    number.format(totals(label, metric)),
                );
            }
            await expect(row.locator('td[data-metric="published"]').textContent()).resolves.toBe(label === 'garden' ? '2' : '0');
            await expect(row.locator('td.change').getAttribute('data-change')).resolves.toMatch(/^-?\d+\.\d$/);
            await expect(row.locator('th a').getAttribute('href')).resolves.toBe(`report-${label}.html`);
        }
        // The link opens the account's own report, titled with the account's name.
        await tableRows.nth(1).locator('th a').click();
        await page.waitForLoadState('load');
        expect(page.url()).toMatch(/report-kitchen\.html$/);
        await expect(page.locator('h1').textContent()).resolves.toContain('agencykitchen');
        expect(attempted).toEqual([]);
        await context.close();

        for (const key of ['report.html', 'report-garden.html', 'report-kitchen.html']) {
            const html = readFileSync(recordPath(run, key), 'utf8');
            for (const secret of [garden.token, kitchen.token]) expect(html.includes(secret), key).toBe(false);
        }
        for (const secret of [garden.token, kitchen.token]) expect(run.log.includes(secret)).toBe(false);

        // get-pin-analytics: the overview sums each account's pins.
        const pinRun = await runActor({
            baseUrl: emulator.baseUrl,
            storageDir,
            input: { mode: 'get-pin-analytics', accounts, startDate: utcDate(-7), endDate: utcDate(-1) },
        });
        expect(pinRun.exitCode, pinRun.log).toBe(0);
        const pinPage = await browser.newPage();
        await pinPage.goto(`file://${recordPath(pinRun, 'report.html')}`);
        for (const label of ['garden', 'kitchen']) {
            const sum = (pinRun.items as Row[])
                .filter((row) => row.type === 'pinAnalytics' && row.account === label)
                .reduce((total, row) => total + (row.summary?.impression ?? 0), 0);
            expect(sum).toBeGreaterThan(0);
            await expect(pinPage.locator(`tr[data-account="${label}"] td[data-metric="impression"]`).textContent()).resolves.toBe(number.format(sum));
        }
        expect(existsSync(recordPath(pinRun, 'report-kitchen.html'))).toBe(true);
        await pinPage.close();
    });
});
