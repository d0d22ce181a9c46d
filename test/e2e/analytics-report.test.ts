import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type PinterestEmulator, startEmulator } from '../emulator/index.js';
import { type AnalyticsAccount, seedAnalyticsAccount, startImageServer, utcDate } from './analytics-fixture.js';
import { ALL_SCOPES } from './fixture.js';
import { haveBrowser, launchBrowser } from './browser.js';
import { type ActorRun, newStorageDir, runActor } from './harness.js';

/**
 * The report as people see it: opened in a real headless Chromium (Debian's `chromium`, driven by playwright-core),
 * with every network request recorded and refused. Under CI the browser must be there (.ci/run installs it);
 * elsewhere the test is skipped without it.
 */
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- dataset rows, probed field by field

let emulator: PinterestEmulator;
let images: Awaited<ReturnType<typeof startImageServer>>;
let account: AnalyticsAccount;
let browser: Browser;

beforeAll(async () => {
    if (!haveBrowser) return;
    emulator = await startEmulator();
    images = await startImageServer();
    account = seedAnalyticsAccount(emulator, images, { pins: 12, videoPins: 1, username: 'gardenreport' });
    browser = await launchBrowser();
    mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
    await browser?.close();
    await emulator?.close();
    await images?.close();
});

const number = new Intl.NumberFormat('en-US');
/** A day as the report writes it: "27 November 2026". */
const longDate = (date: string) =>
    new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** The chart's points for one metric: the day, the number and the label a screen reader reads. */
const chartPoints = (page: Page, metric: string) =>
    page
        .locator(`figure.chart[data-metric="${metric}"] svg [aria-roledescription="point"]`)
        .evaluateAll((nodes) => nodes.map((node) => ({ date: node.getAttribute('data-date'), label: node.getAttribute('aria-label') ?? '' })));

/** Opens the run's report.html offline; returns the page and every URL it tried to load. */
async function openReport(run: ActorRun, width: number) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const attempted: string[] = [];
    await context.route('**/*', async (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) return route.continue();
        attempted.push(url);
        return route.abort();
    });
    const page = await context.newPage();
    await page.goto(`file://${join(run.storageDir, 'key_value_stores', 'default', 'report.html')}`);
    await page.waitForLoadState('load');
    return { page, attempted, context };
}

describe.skipIf(!haveBrowser)('the analytics report in Chromium', () => {
    it('get-pin-analytics: charts and table show the numbers of the dataset, offline, on a desktop and a phone', async () => {
        const startDate = utcDate(-21);
        const endDate = utcDate(-1);
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            input: { mode: 'get-pin-analytics', accessToken: account.token, boardId: account.boardId, startDate, endDate },
        });
        expect(run.exitCode, run.log).toBe(0);
        const rows = run.items as Row[];
        const { page, attempted, context } = await openReport(run, 1280);

        await expect(page.locator('.range').getAttribute('data-start')).resolves.toBe(startDate);
        // One chart per metric, each with a point per day whose label carries the day's total over all pins.
        const charts = page.locator('figure.chart');
        await expect(charts.evaluateAll((figures) => figures.map((figure) => figure.getAttribute('data-metric')))).resolves.toEqual([
            'impression',
            'save',
            'pinClick',
            'outboundClick',
            // The video pin adds its own metrics.
            'videoMrcView',
            'videoStart',
            'video10sView',
            'quartile95PercentView',
        ]);
        for (const metric of ['impression', 'outboundClick']) {
            const points = await chartPoints(page, metric);
            expect(points).toHaveLength(21);
            const dayIndex = 6;
            const date = rows[0]?.daily[dayIndex].date as string;
            const total = rows.reduce((sum, row) => sum + row.daily[dayIndex].metrics[metric], 0);
            expect(points[dayIndex]?.date).toBe(date);
            expect(points[dayIndex]?.label).toContain(`${longDate(date)}: ${number.format(total)}`);
            const chartTotal = rows.reduce((sum, row) => sum + row.summary[metric], 0);
            await expect(page.locator(`figure.chart[data-metric="${metric}"] figcaption strong`).textContent()).resolves.toBe(
                number.format(chartTotal),
            );
            await expect(page.locator(`.total[data-metric="${metric}"] .value`).textContent()).resolves.toBe(number.format(chartTotal));
        }
        // Yesterday is still processing: named in the caveats, in words, and drawn hollow.
        await expect(page.locator('.caveats').textContent()).resolves.toContain(`${longDate(endDate)} (still updating)`);
        const lastPoint = page.locator('figure.chart[data-metric="impression"] svg [aria-roledescription="point"]').last();
        await expect(lastPoint.getAttribute('aria-label')).resolves.toContain('(still updating)');
        await expect(lastPoint.getAttribute('fill')).resolves.toBe('#ffffff');
        // The comparison with the 21 days before.
        await expect(page.locator('.total[data-metric="impression"] .change').count()).resolves.toBe(1);

        // The table ranks the pins by impressions, with inlined thumbnails and the row's numbers.
        const ranked = [...rows].sort((a, b) => b.summary.impression - a.summary.impression);
        const tableRows = page.locator('section.pins tbody tr');
        await expect(tableRows.count()).resolves.toBe(12);
        for (const [index, row] of ranked.slice(0, 3).entries()) {
            const tableRow = tableRows.nth(index);
            await expect(tableRow.getAttribute('data-pin-id')).resolves.toBe(row.pinId);
            await expect(tableRow.locator('td[data-metric="impression"]').textContent()).resolves.toBe(number.format(row.summary.impression));
            await expect(tableRow.locator('td[data-metric="save"]').textContent()).resolves.toBe(number.format(row.summary.save));
            await expect(tableRow.locator('td[data-metric="saveRate"]').textContent()).resolves.toBe(`${(row.saveRate * 100).toFixed(2)}%`);
            await expect(tableRow.locator('td.title a').textContent()).resolves.toBe(row.title);
        }
        const thumbnails = await page.locator('td.thumb img').evaluateAll((nodes) =>
            nodes.map((node) => ({
                src: (node.getAttribute('src') ?? '').slice(0, 22),
                loaded: (node as unknown as { naturalWidth: number }).naturalWidth,
            })),
        );
        expect(thumbnails).toHaveLength(12);
        for (const thumbnail of thumbnails) expect(thumbnail).toEqual({ src: 'data:image/png;base64,', loaded: 8 });

        // Rendered, not just present: the first chart's drawing has a real size.
        const box = await page.locator('figure.chart svg').first().boundingBox();
        expect(box?.width ?? 0).toBeGreaterThan(300);
        expect(box?.height ?? 0).toBeGreaterThan(100);
        await page.screenshot({ path: join(ARTIFACTS, 'pin-analytics-report.png'), fullPage: true });

        // A phone: nothing wider than the screen except the table, which scrolls in its own box.
        await page.setViewportSize({ width: 390, height: 844 });
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
        expect(overflow).toBeLessThanOrEqual(0);
        const chartWidth = (await page.locator('figure.chart svg').first().boundingBox())?.width ?? 0;
        expect(chartWidth).toBeLessThanOrEqual(390);
        await page.screenshot({ path: join(ARTIFACTS, 'pin-analytics-report-phone.png'), fullPage: true });

        // Printable: the print stylesheet applies and a PDF comes out.
        await page.emulateMedia({ media: 'print' });
        await expect(page.evaluate<string>("getComputedStyle(document.querySelector('.table-wrap')).overflowX")).resolves.toBe('visible');
        const pdf = await page.pdf({ format: 'A4' });
        expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

        expect(attempted).toEqual([]);
        expect(readFileSync(join(run.storageDir, 'key_value_stores', 'default', 'report.html'), 'utf8')).not.toMatch(
            /<script|https?:\/\/[^"]*\.(js|css)/,
        );
        await context.close();
    });

    it('get-account-analytics: daily charts from the rows and the top pins table', async () => {
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            input: { mode: 'get-account-analytics', accessToken: account.token, startDate: utcDate(-14), endDate: utcDate(-1), topPinsCount: 5 },
        });
        expect(run.exitCode, run.log).toBe(0);
        const rows = run.items as Row[];
        const { page, attempted, context } = await openReport(run, 1280);
        const points = await chartPoints(page, 'save');
        expect(points).toHaveLength(14);
        for (const [index, row] of rows.entries()) {
            expect(points[index]?.date).toBe(row.date);
            expect(points[index]?.label).toContain(`${longDate(row.date)}: ${number.format(row.metrics.save)} saves`);
        }
        const topPins = JSON.parse(readFileSync(join(run.storageDir, 'key_value_stores', 'default', 'top-pins.json'), 'utf8')) as Row[];
        const cells = await page.locator('section.pins tbody td[data-metric="impression"]').allTextContents();
        expect(cells).toEqual(topPins.map((pin) => number.format(pin.metrics.impression)));
        await expect(page.locator('section.pins h2').textContent()).resolves.toBe('Top pins by impressions');
        await page.screenshot({ path: join(ARTIFACTS, 'account-analytics-report.png'), fullPage: true });
        expect(attempted).toEqual([]);
        await context.close();
    });

    it('marks the days before a pin existed instead of drawing them as zeros', async () => {
        // A pin made five days ago, in a range of fourteen days.
        const young = seedAnalyticsAccount(emulator, images, { pins: 1, username: 'youngpin' });
        const pin = emulator.state.pinRecord(young.pinIds[0] as string);
        if (pin) pin.createdAt = Date.now() - 5 * 86_400_000;
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            input: { mode: 'get-pin-analytics', accessToken: young.token, pinIds: young.pinIds, startDate: utcDate(-14), endDate: utcDate(-1) },
        });
        expect(run.exitCode, run.log).toBe(0);
        const [row] = run.items as Row[];
        expect(row?.daily.filter((day: Row) => day.dataStatus === 'BEFORE_PIN_CREATED')).toHaveLength(9);
        const { page, attempted, context } = await openReport(run, 1280);
        // Points only for the days the pin existed; the nine days before are one shaded band saying why.
        const points = await chartPoints(page, 'impression');
        expect(points.map((point) => point.date)).toEqual([utcDate(-5), utcDate(-4), utcDate(-3), utcDate(-2), utcDate(-1)]);
        const gap = page.locator('figure.chart[data-metric="impression"] svg g.gap');
        await expect(gap.count()).resolves.toBe(1);
        await expect(gap.getAttribute('data-from')).resolves.toBe(utcDate(-14));
        await expect(gap.getAttribute('data-to')).resolves.toBe(utcDate(-6));
        await expect(gap.getAttribute('aria-label')).resolves.toBe(
            `${longDate(utcDate(-14))} to ${longDate(utcDate(-6))}: no numbers (before the pin was created)`,
        );
        // Drawn: the band covers the left part of the plot, and the line starts where the pin does.
        const band = await gap.locator('rect').boundingBox();
        const firstPoint = await page.locator('figure.chart[data-metric="impression"] svg [aria-roledescription="point"]').first().boundingBox();
        expect(band?.width ?? 0).toBeGreaterThan(100);
        expect((band?.x ?? 0) + (band?.width ?? 0)).toBeLessThanOrEqual((firstPoint?.x ?? 0) + 1);
        await expect(page.locator('.caveats').textContent()).resolves.toContain('No numbers before the pin was created (');
        await expect(page.locator('.caveats').textContent()).resolves.not.toContain('Every day in the range is final');
        // The pin did not exist in the 14 days before either: that is said once, not as "no earlier data" on every total.
        await expect(page.locator('.caveats').textContent()).resolves.toContain('No comparison with the 14 days before (');
        await expect(page.locator('.total .change').count()).resolves.toBe(0);
        await page.screenshot({ path: join(ARTIFACTS, 'pin-created-in-range-report.png'), fullPage: true });
        expect(attempted).toEqual([]);
        await context.close();
    });

    it('a rate-only account report: totals and charts in percentages', async () => {
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            input: {
                mode: 'get-account-analytics',
                accessToken: account.token,
                startDate: utcDate(-14),
                endDate: utcDate(-1),
                topPinsCount: 3,
                accountMetricTypes: ['ENGAGEMENT_RATE', 'OUTBOUND_CLICK_RATE'],
            },
        });
        expect(run.exitCode, run.log).toBe(0);
        const rows = run.items as Row[];
        const { page, attempted, context } = await openReport(run, 1280);
        await expect(
            page.locator('figure.chart').evaluateAll((figures) => figures.map((figure) => figure.getAttribute('data-metric'))),
        ).resolves.toEqual(['engagementRate', 'outboundClickRate']);
        await expect(page.locator('.total .value').allTextContents()).resolves.toEqual([
            expect.stringMatching(/^\d+\.\d\d%$/),
            expect.stringMatching(/^\d+\.\d\d%$/),
        ]);
        const ticks = await page.locator('figure.chart[data-metric="engagementRate"] svg g.grid text').allTextContents();
        expect(ticks.length).toBeGreaterThanOrEqual(2);
        for (const tick of ticks) expect(tick).toMatch(/^\d+(\.\d+)?%$/);
        const points = await chartPoints(page, 'engagementRate');
        expect(points).toHaveLength(14);
        expect(points[3]?.label).toContain(`${longDate(rows[3]?.date)}: ${(rows[3]?.metrics.engagementRate * 100).toFixed(2)}% engagement rate`);
        await page.screenshot({ path: join(ARTIFACTS, 'rate-only-report.png'), fullPage: true });
        expect(attempted).toEqual([]);
        await context.close();
    });
});

describe.skipIf(!haveBrowser)('the growth report in Chromium', () => {
    const DAY = 86_400_000;
    let clocked: PinterestEmulator;
    let offsetMs = 0;
    const clock = () => Date.now() + offsetMs;
    /** Both clocks `days` from now (they then run on at real speed). */
    const at = (days: number) => {
        offsetMs = days * DAY;
        return { ACTOR_TEST_NOW: new Date(clock()).toISOString() };
    };

    beforeAll(async () => {
        if (!haveBrowser) return;
        offsetMs = -250 * DAY;
        clocked = await startEmulator({ now: clock });
    });
    afterAll(async () => clocked?.close());

    it('get-account-analytics with a history: follower and monthly-view lines, the month-by-month table, top video pins', async () => {
        const seeded = seedAnalyticsAccount(clocked, images, { pins: 8, videoPins: 2, username: 'growthreport' });
        // A token that lasts the 250 days the clock moves.
        const token = clocked.state.issueTokens({
            userId: seeded.userId,
            appId: seeded.appId,
            scopes: ALL_SCOPES,
            accessTokenTtlSec: 300 * 86_400,
        }).accessToken;
        const grower = { ...seeded, token };
        const storageDir = newStorageDir();
        const snapshotDays = [-150, -100, -60, -30, -1];
        const counted = new Map<string, { followers: number; views: number }>();
        for (const day of snapshotDays) {
            const run = await runActor({
                baseUrl: clocked.baseUrl,
                storageDir,
                env: at(day),
                input: { mode: 'snapshot-analytics', accessToken: grower.token },
            });
            expect(run.exitCode, run.log).toBe(0);
            const account = clocked.state.getAccount(grower.userId)!;
            counted.set(utcDate(day), { followers: account.follower_count, views: account.monthly_views });
        }
        const run = await runActor({
            baseUrl: clocked.baseUrl,
            storageDir,
            env: at(0),
            input: { mode: 'get-account-analytics', accessToken: grower.token, startDate: utcDate(-180), endDate: utcDate(-1), topPinsCount: 5 },
        });
        expect(run.exitCode, run.log).toBe(0);
        const { page, attempted, context } = await openReport(run, 1280);

        // One point per snapshot, at the count Pinterest gave that day, the line joining them.
        for (const [metric, pick] of [
            ['followerCount', (value: { followers: number }) => value.followers],
            ['monthlyViews', (value: { views: number }) => value.views],
        ] as const) {
            const points = await chartPoints(page, metric);
            expect(points.map((point) => point.date)).toEqual([...counted.keys()]);
            for (const point of points)
                expect(point.label).toContain(`${longDate(point.date ?? '')}: ${number.format(pick(counted.get(point.date ?? '')!))}`);
            const line = await page.locator(`figure.chart[data-metric="${metric}"] svg path.line`).boundingBox();
            expect(line?.width ?? 0).toBeGreaterThan(300);
        }
        await expect(page.locator('figure.chart[data-metric="followerCount"] figcaption strong').textContent()).resolves.toBe(
            number.format(counted.get(utcDate(-1))!.followers),
        );
        await expect(page.locator('section.growth .note').textContent()).resolves.toContain('As counted by 5 snapshots');

        // Month by month: every month of the range, with its days and the counters of its last snapshot.
        const months = page.locator('section.months tbody tr');
        await expect(months.count()).resolves.toBe(new Set(Array.from({ length: 180 }, (_, index) => utcDate(-180 + index).slice(0, 7))).size);
        const lastMonth = months.last();
        await expect(lastMonth.locator('td[data-metric="followerCount"]').textContent()).resolves.toBe(
            number.format(counted.get(utcDate(-1))!.followers),
        );

        // The video pins, ranked with their video metrics.
        const videos = page.locator('section.video-pins tbody tr');
        await expect(videos.count()).resolves.toBe(2);
        const topVideoPins = JSON.parse(readFileSync(join(run.storageDir, 'key_value_stores', 'default', 'top-video-pins.json'), 'utf8')) as Row[];
        await expect(page.locator('section.video-pins tbody td[data-metric="videoMrcView"]').allTextContents()).resolves.toEqual(
            topVideoPins.map((pin) => number.format(pin.metrics.videoMrcView)),
        );
        expect(topVideoPins.map((pin) => pin.pinId).sort()).toEqual(grower.pinIds.slice(0, 2).sort());

        await page.screenshot({ path: join(ARTIFACTS, 'account-growth-report.png'), fullPage: true });
        await page.setViewportSize({ width: 390, height: 844 });
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
        expect(overflow).toBeLessThanOrEqual(0);
        expect(attempted).toEqual([]);
        await context.close();
    });
});
