import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { analyticsSettings, type PinterestEmulator, startEmulator } from '../emulator/index.js';
import { imageSizes } from '../emulator/seed.js';
import { startImageServer, utcDate } from './analytics-fixture.js';
import { ALL_SCOPES } from './fixture.js';
import { runActor, sumCharges } from './harness.js';

/**
 * A report a client can be sent: it claims nothing Pinterest did not say (pins without numbers are said to have
 * none and cost nothing), speaks in names and words rather than ids and status codes, and a failure after the
 * paid rows are stored does not fail the run.
 */

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- dataset rows, probed field by field

const DAY_MS = 86_400_000;

let emulator: PinterestEmulator;
let images: Awaited<ReturnType<typeof startImageServer>>;

beforeAll(async () => {
    emulator = await startEmulator();
    images = await startImageServer();
});
afterAll(async () => {
    await emulator.close();
    await images.close();
});

interface ClientAccount {
    token: string;
    appId: string;
    boardId: string;
    pinIds: string[];
}

/** A business account with one board whose pins were made the given numbers of days ago, images on 127.0.0.1. */
function seedClient(username: string, pinAges: readonly number[], boardName = 'Summer Recipes'): ClientAccount {
    const app = emulator.state.createApp({});
    const userId = emulator.state.createUser({ username, accountType: 'BUSINESS', businessName: 'Sunny Balcony Co.' }).id;
    const token = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES }).accessToken;
    const boardId = emulator.state.createBoard(userId, { name: boardName }).id;
    const pins = emulator.state.createPins(boardId, pinAges.length, (index) => ({
        title: `Balcony idea ${index + 1}`,
        created_at: Date.now() - (pinAges[index] ?? 0) * DAY_MS,
    }));
    for (const [index, pin] of pins.entries()) {
        const record = emulator.state.pinRecord(pin.id);
        if (record) record.media = { media_type: 'image', images: imageSizes(images.url(`${username}-${index}`)) };
    }
    return { token, appId: app.appId, boardId, pinIds: pins.map((pin) => pin.id) };
}

/** Runs one analytics mode for the account, charging per event as on the platform. */
const analyticsRun = (mode: 'get-pin-analytics' | 'get-account-analytics', account: ClientAccount, input: Record<string, unknown>) =>
    runActor({ baseUrl: emulator.baseUrl, input: { mode, accessToken: account.token, ...input }, payPerEvent: true });

const record = (storageDir: string, file: string) => readFileSync(join(storageDir, 'key_value_stores', 'default', file), 'utf8');
/** What a reader of the report sees: its text without markup. */
const visibleText = (html: string) =>
    html
        .replace(/<style>[\s\S]*?<\/style>/, '')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ');

describe('pins without numbers in the range', () => {
    it('get a free row that says so, and the rest are charged as usual (multi-pin endpoint)', async () => {
        // Three pins from long ago; the fourth was made two days ago, after the range ends.
        const account = seedClient('freshpins', [400, 400, 400, 2]);
        const run = await analyticsRun('get-pin-analytics', account, { boardId: account.boardId, startDate: utcDate(-12), endDate: utcDate(-5) });
        expect(run.exitCode, run.log).toBe(0);
        expect(run.items).toHaveLength(4);
        expect(sumCharges(run.charges, 'item-fetched')).toBe(3);
        const fresh = (run.items as Row[]).find((item) => item.pinId === account.pinIds[3]);
        expect(fresh).toMatchObject({ hasData: false, summary: {}, daily: [], saveRate: null, fetchedWith: 'multiPin' });
        expect(fresh?.note).toBe(`No analytics in this range: the pin was created on ${utcDate(-2)}, after it.`);
        for (const item of (run.items as Row[]).filter((row) => row !== fresh)) expect(item).toMatchObject({ hasData: true, note: null });
        expect(run.statusMessage).toMatch(/^Fetched analytics for 4 pins of board Summer Recipes \(1 without data in the range, not charged\),/);
        expect(JSON.parse(record(run.storageDir, 'OUTPUT.json')).counts).toEqual({ fetched: 3, withoutData: 1 });
        // The report lists it at the end, without numbers, and says why.
        const html = record(run.storageDir, 'report.html');
        expect(html).toMatch(
            new RegExp(`<tr class="no-data" data-pin-id="${account.pinIds[3]}">.*No analytics in this range: the pin was created on ${utcDate(-2)}`),
        );
        expect(visibleText(html)).toContain('1 of the 4 pins has no analytics in this range: it is listed at the end of the table, without numbers.');
    });

    it('are not charged on the one-request-per-pin path either, where Pinterest sends zeros marked BEFORE_PIN_CREATED', async () => {
        const account = seedClient('perpinfresh', [400, 3]);
        analyticsSettings(emulator.state).multiPinDeniedApps.add(account.appId);
        const run = await analyticsRun('get-pin-analytics', account, { pinIds: account.pinIds, startDate: utcDate(-12), endDate: utcDate(-5) });
        expect(run.exitCode, run.log).toBe(0);
        expect(run.items.map((item) => [item.fetchedWith, item.hasData])).toEqual([
            ['perPin', true],
            ['perPin', false],
        ]);
        expect(sumCharges(run.charges, 'item-fetched')).toBe(1);
        expect(run.statusMessage).toMatch(/^Fetched analytics for 2 selected pins \(1 without data in the range, not charged\),/);
    });

    it('leave a report that claims nothing when no pin has any: no totals, no charts, no "every day is final"', async () => {
        const account = seedClient('allfresh', [2, 1]);
        const run = await analyticsRun('get-pin-analytics', account, { boardId: account.boardId, startDate: utcDate(-12), endDate: utcDate(-5) });
        expect(run.exitCode, run.log).toBe(0);
        expect(run.items).toHaveLength(2);
        expect(run.items.every((item) => item.hasData === false)).toBe(true);
        expect(sumCharges(run.charges, 'item-fetched')).toBe(0);
        expect(run.statusMessage).toContain('(none has data in the range, not charged)');
        const html = record(run.storageDir, 'report.html');
        const text = visibleText(html);
        expect(text).toContain('No analytics for this range.');
        expect(text).toContain('None of the 2 pins has analytics in this range: they are listed without numbers.');
        expect(text).not.toMatch(/final/i);
        expect(html).not.toContain('<figure class="chart"');
        expect(html).not.toContain('class="total"');
    });
});

describe('a report in names and words', () => {
    it('get-pin-analytics: titled with reportTitle, the account and board by name, statuses and dates in words', async () => {
        const account = seedClient('wordsandnames', [400, 400, 400]);
        const run = await analyticsRun('get-pin-analytics', account, {
            boardId: account.boardId,
            startDate: utcDate(-14),
            endDate: utcDate(-1),
            reportTitle: '  Acme Garden Supplies  ',
        });
        expect(run.exitCode, run.log).toBe(0);
        expect(run.statusMessage).toMatch(/^Fetched analytics for 3 pins of board Summer Recipes, /);
        const html = record(run.storageDir, 'report.html');
        expect(html).toContain('<h1>Acme Garden Supplies</h1>');
        expect(html).toMatch(/<title>Acme Garden Supplies · Pin analytics · \d{1,2} \w+ (\d{4} )?to \d{1,2} \w+ \d{4}<\/title>/);
        expect(html).toContain('<p class="subject">3 pins of board Summer Recipes · Sunny Balcony Co. on Pinterest</p>');
        const text = visibleText(html);
        expect(text).not.toContain(account.boardId);
        // Pinterest's status codes are for machines: the page says final, still updating, estimate.
        expect(text).not.toMatch(/READY|PROCESSING|ESTIMATE|BEFORE_PIN_CREATED/);
        expect(text).toMatch(/not final yet .*\(estimate\).*\(still updating\)/);
        expect(text).toMatch(
            /Generated \d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}, \d{2}:\d{2} UTC/,
        );
    });

    it('get-account-analytics: the account by name, and a comparison with a period of zeros that says "up from 0", not "no earlier data vs 0"', async () => {
        // An account whose pins were made on the range's first day: the 14 days before it had no activity at all.
        const account = seedClient('newaccount', [14, 14, 14]);
        const run = await analyticsRun('get-account-analytics', account, { startDate: utcDate(-14), endDate: utcDate(-1), reportTitle: 'Client X' });
        expect(run.exitCode, run.log).toBe(0);
        expect(run.statusMessage).toMatch(/^Fetched account analytics of Sunny Balcony Co\. for 14 days, /);
        const html = record(run.storageDir, 'report.html');
        expect(html).toContain('<h1>Client X</h1>');
        expect(html).toContain('<p class="subject">Whole account · Sunny Balcony Co. on Pinterest</p>');
        expect(html).not.toMatch(/no earlier data\s*<small>/);
        expect(html).toMatch(/<div class="total" data-metric="impression">.*<span class="change up" data-previous="0">up from 0<\/span>/);
        expect(visibleText(html)).not.toMatch(/READY|PROCESSING|ESTIMATE/);
    });

    it('rejects a reportTitle over 100 characters before any request, naming the field and the limit', async () => {
        emulator.resetRequests();
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            input: { mode: 'get-account-analytics', accessToken: 'pina_whatever', reportTitle: 'x'.repeat(101) },
            payPerEvent: true,
        });
        expect(run.exitCode).not.toBe(0);
        expect(run.statusMessage).toContain('reportTitle must be at most 100 characters');
        expect(emulator.requests).toHaveLength(0);
        expect(run.charges).toEqual([]);
    });
});

describe('rate-only account reports', () => {
    it('get their totals and a chart per rate', async () => {
        const account = seedClient('ratesonly', [400, 400]);
        const run = await analyticsRun('get-account-analytics', account, {
            startDate: utcDate(-14),
            endDate: utcDate(-1),
            accountMetricTypes: ['ENGAGEMENT_RATE', 'OUTBOUND_CLICK_RATE'],
        });
        expect(run.exitCode, run.log).toBe(0);
        const rows = run.items as Row[];
        expect(Object.keys(rows[0]?.metrics ?? {}).sort()).toEqual(['engagementRate', 'outboundClickRate']);
        const html = record(run.storageDir, 'report.html');
        for (const metric of ['engagementRate', 'outboundClickRate']) {
            expect(html).toMatch(
                new RegExp(`<div class="total" data-metric="${metric}"><span class="label">[^<]+</span><span class="value">\\d+\\.\\d\\d%</span>`),
            );
            const chart = new RegExp(`<figure class="chart" data-metric="${metric}"[\\s\\S]*?</figure>`).exec(html)?.[0] ?? '';
            const values = [...chart.matchAll(/data-value="([\d.]+)"/g)].map((match) => Number(match[1]));
            expect(values).toEqual(rows.map((row) => row.metrics[metric]));
        }
    });
});

describe('quick: true', () => {
    it('uses the metric keys of daily analytics, told apart by fetchedWith', async () => {
        const account = seedClient('quickwords', [400, 400]);
        const quick = await analyticsRun('get-pin-analytics', account, { boardId: account.boardId, quick: true });
        const daily = await analyticsRun('get-pin-analytics', account, { boardId: account.boardId, startDate: utcDate(-7), endDate: utcDate(-1) });
        expect(quick.exitCode, quick.log).toBe(0);
        expect(daily.exitCode, daily.log).toBe(0);
        const dailyKeys = new Set([...Object.keys((daily.items[0] as Row).summary), ...Object.keys((daily.items[0] as Row).lifetime)]);
        for (const item of quick.items as Row[]) {
            expect(item.fetchedWith).toBe('pinList');
            expect(Object.keys(item.summary).sort()).toEqual(['impression', 'outboundClick', 'pinClick']);
            for (const key of Object.keys(item.summary)) expect(dailyKeys).toContain(key);
            expect(item.lifetime).toMatchObject({ totalComments: expect.any(Number), totalReactions: expect.any(Number) });
            expect(JSON.stringify(item)).not.toMatch(/clickthrough|"reaction"|"comment"/);
            expect(item.clickThroughRate).toBeCloseTo(item.summary.pinClick / item.summary.impression, 5);
            expect(item.outboundClickRate).toBeCloseTo(item.summary.outboundClick / item.summary.impression, 5);
        }
        expect(new Set(daily.items.map((item) => item.fetchedWith))).toEqual(new Set(['multiPin']));
    });
});

describe('get-account-analytics after the days are charged', () => {
    it('keeps a top pin whose lookup answers 400, without title or image, and succeeds with a warning', async () => {
        const account = seedClient('toppinfails', [400, 400, 400]);
        emulator.resetRequests();
        // The first top pin's lookup is refused; the days are stored and charged before it.
        emulator.injectFault({
            kind: 'html',
            status: 400,
            html: JSON.stringify({ code: 1, message: 'Invalid pin.' }),
            match: { method: 'GET', path: /^\/v5\/pins\/\d+$/ },
            times: 1,
        });
        try {
            const run = await analyticsRun('get-account-analytics', account, { startDate: utcDate(-7), endDate: utcDate(-1), topPinsCount: 3 });
            expect(run.exitCode, run.log).toBe(0);
            expect(sumCharges(run.charges, 'item-fetched')).toBe(7);
            expect(run.statusMessage).not.toContain('fix the input');
            expect(run.statusMessage).toMatch(/^Fetched account analytics of Sunny Balcony Co\. for 7 days, .* and the top 3 pins\./);
            const topPins = JSON.parse(record(run.storageDir, 'top-pins.json')) as Row[];
            expect(topPins).toHaveLength(3);
            expect(topPins[0]).toMatchObject({ rank: 1, title: null, imageUrl: null, metrics: { impression: expect.any(Number) } });
            expect(topPins.slice(1).every((pin) => typeof pin.title === 'string')).toBe(true);
            const output = JSON.parse(record(run.storageDir, 'OUTPUT.json'));
            expect(output.status).toBe('succeeded');
            expect(output.warnings).toEqual([
                `The title and image of top pin ${topPins[0]?.pinId} (HTTP 400: "Invalid pin.") could not be fetched: it is listed with its numbers only.`,
            ]);
            expect(run.log).toContain(`The title and image of top pin ${topPins[0]?.pinId}`);
            expect(record(run.storageDir, 'report.html')).toContain(`data-pin-id="${topPins[0]?.pinId}"`);
        } finally {
            emulator.clearFaults();
        }
    });
});
