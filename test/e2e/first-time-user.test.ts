import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type PinterestEmulator, startEmulator } from '../emulator/index.js';
import { ALL_SCOPES, movableClock } from './fixture.js';
import { newStorageDir, runActor, sumCharges } from './harness.js';

/**
 * What a marketer, an agency and an AI agent hit on their first runs: input that is never silently dropped,
 * messages in the user's words, spreadsheets, time zones and a weekly posting plan. The clocks are moved, as in
 * scheduling.test.ts: the Actor reads ACTOR_TEST_NOW and the emulator the same offset.
 */
let emulator: PinterestEmulator;
let token: string;
let recipesId: string;
let dessertsId: string;
const { now: clock, at } = movableClock();

beforeAll(async () => {
    emulator = await startEmulator({ now: clock });
    const app = emulator.state.createApp({});
    const userId = emulator.state.createUser({ username: 'firsttimer' }).id;
    token = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES }).accessToken;
    recipesId = emulator.state.createBoard(userId, { name: 'Summer Recipes' }).id;
    emulator.state.createPins(recipesId, 5);
    dessertsId = emulator.state.createBoard(userId, { name: 'Desserts' }).id;
    emulator.state.createPins(dessertsId, 3);
});

afterAll(async () => emulator.close());

beforeEach(() => {
    emulator.clearFaults();
    emulator.resetRequests();
});

const pin = (title: string, extra: Record<string, unknown> = {}) => ({
    boardId: recipesId,
    pinTitle: title,
    imageUrl: `https://example.com/${encodeURIComponent(title)}.jpg`,
    ...extra,
});
const create = (extra: Record<string, unknown>) => ({ mode: 'create-pin', accessToken: token, skipPreflight: true, ...extra });
const posts = () => emulator.requestsTo('POST', '/v5/pins');
const sent = () => posts().map((request) => request.body as Record<string, unknown>);

describe('input is never silently dropped', () => {
    it('stops at a misspelt key inside a pin or spacing before any request, naming the key meant', async () => {
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            payPerEvent: true,
            input: create({
                pins: [pin('Misspelt', { publish_at: '2026-12-20T09:00Z', linkURL: 'https://example.com/post' })],
                spacing: { interval: 60 },
            }),
        });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toBe(
            'Invalid input: pins[0]: unknown field publish_at: did you mean publishAt?; pins[0]: unknown field linkURL: did you mean linkUrl?; spacing: unknown field interval: did you mean intervalMinutes?',
        );
        expect(emulator.requests).toHaveLength(0);
        expect(run.charges).toEqual([]);
    });

    it('fails only the pin with an unknown key, and publishes the others', async () => {
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            payPerEvent: true,
            input: create({ pins: [pin('Fine'), pin('Coloured', { colour: 'red' })] }),
        });
        expect(run.exitCode).toBe(0);
        expect(run.items.map((item) => [item.title, item.status])).toEqual([
            ['Fine', 'created'],
            ['Coloured', 'failed'],
        ]);
        expect((run.items[1]!.error as { message: string }).message).toMatch(/^pins\[1\]: unknown field colour: a pin takes boardId, /);
        expect(sent().map((body) => body.title)).toEqual(['Fine']);
        expect(sumCharges(run.charges, 'pin-created')).toBe(1);
    });

    it('reads a result row copied back into pins, link and description included, leaving out what says what became of it', async () => {
        const first = await runActor({
            baseUrl: emulator.baseUrl,
            input: create({ pins: [pin('Original', { linkUrl: 'https://example.com/original', pinDescription: 'Said once' })] }),
        });
        expect(first.items[0]).toMatchObject({ status: 'created', link: 'https://example.com/original', description: 'Said once' });
        emulator.resetRequests();
        const copy = { ...first.items[0], title: 'Copy of the original' };
        const again = await runActor({ baseUrl: emulator.baseUrl, input: create({ pins: [copy] }) });
        expect(again.exitCode).toBe(0);
        expect(again.items[0]).toMatchObject({ status: 'created', title: 'Copy of the original', link: 'https://example.com/original' });
        expect(sent()).toEqual([
            expect.objectContaining({ title: 'Copy of the original', description: 'Said once', link: 'https://example.com/original' }),
        ]);
        const leftOut = /pins\[0\]: left out (.*): output-row fields that say what became of a pin, not what to publish/.exec(again.log)?.[1];
        expect(leftOut?.split(', ').sort()).toEqual(
            [
                'type',
                'status',
                'position',
                'source',
                'id',
                'url',
                'mediaType',
                'createdAt',
                'scheduleId',
                'publishAtLocal',
                'lateByMinutes',
                'error',
                'reason',
            ].sort(),
        );
    });
});

describe('boardName wherever boardId is taken', () => {
    it('get-user-pins reads (and charges) only the named board, listing the boards once to find it', async () => {
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            payPerEvent: true,
            input: { mode: 'get-user-pins', accessToken: token, skipPreflight: true, boardName: ' desserts ' },
        });
        expect(run.exitCode).toBe(0);
        expect(run.items.map((item) => item.boardId)).toEqual([dessertsId, dessertsId, dessertsId]);
        expect(sumCharges(run.charges, 'item-fetched')).toBe(3);
        expect(emulator.requestsTo('GET', '/v5/boards')).toHaveLength(1);
        expect(emulator.requestsTo('GET', `/v5/boards/${dessertsId}/pins`)).toHaveLength(1);
        expect(emulator.requestsTo('GET', '/v5/pins')).toHaveLength(0);
        expect(run.statusMessage).toBe(`Fetched 3 pins from board "desserts" (${dessertsId}).`);
    });

    it('stops at an unknown board name with the closest names, reading and charging nothing else', async () => {
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            payPerEvent: true,
            input: { mode: 'get-user-pins', accessToken: token, skipPreflight: true, boardName: 'Dessert' },
        });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toBe(
            'boardName "Dessert" is not one of your boards (closest: "Desserts", "Summer Recipes"): fix the name (list-boards shows them all).',
        );
        expect(emulator.requests.map((request) => request.path)).toEqual(['/v5/boards']);
        expect(run.charges).toEqual([]);
    });
});

describe('mode', () => {
    it('fails a run without a mode whose input is a pin, instead of listing boards and charging for them', async () => {
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            payPerEvent: true,
            input: { accessToken: token, pinTitle: 'Lemon tart', imageUrl: 'https://example.com/tart.jpg', boardName: 'Desserts' },
        });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toBe(
            'Invalid input: the input has create-pin fields but no mode: add "mode": "create-pin" (without a mode the run lists boards and ignores pinTitle, imageUrl, boardName)',
        );
        expect(emulator.requests).toHaveLength(0);
        expect(run.charges).toEqual([]);
    });
});

describe('a CSV from a spreadsheet', () => {
    it("reads semicolons, names the user's columns, keeps a bad row's title and image, and says a past Publish date posts now", async () => {
        const csv = [
            'Title;Media URL;Pinterest board;Description;Link;Publish date',
            'Lemon tart, the easy way;https://example.com/tart.jpg;Desserts;Sweet, sharp and quick;https://example.com/tart;2026-12-01 09:00',
            'Broken link;https://example.com/broken.jpg;Desserts;;example.com/broken;',
            'Old idea;https://example.com/old.jpg;Desserts;;;2026-01-05 09:00',
        ].join('\r\n');
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            env: at('2026-06-01T08:00:00Z'),
            input: create({ pinsCsv: csv, dryRun: true, timeZone: 'Europe/Berlin' }),
        });
        expect(run.exitCode).toBe(0);
        expect(run.items.map((item) => [item.source, item.status, item.title, item.imageUrl])).toEqual([
            ['CSV row 2', 'would-schedule', 'Lemon tart, the easy way', 'https://example.com/tart.jpg'],
            ['CSV row 3', 'failed', 'Broken link', 'https://example.com/broken.jpg'],
            ['CSV row 4', 'would-create', 'Old idea', 'https://example.com/old.jpg'],
        ]);
        expect(run.items[0]).toMatchObject({ description: 'Sweet, sharp and quick', publishAt: '2026-12-01T08:00:00Z' });
        expect((run.items[1]!.error as { message: string }).message).toBe(
            'CSV row 3: Link must be a full http(s) URL, for example https://example.com/page.',
        );
        expect(run.items[2]!.reason).toBe(
            'Checked and ready to publish. Publish date 2026-01-05 09:00 Europe/Berlin (UTC+01:00) is in the past: a real run would post it now.',
        );
        expect(run.log).toContain('CSV row 4: Publish date 2026-01-05 09:00 Europe/Berlin (UTC+01:00) is in the past: the pin would post now.');
        expect(posts()).toHaveLength(0);
    });
});

describe('local times beside UTC', () => {
    it('shows publishAtLocal in scheduled rows, list-scheduled and cancel-scheduled, and the local time in status messages', async () => {
        const storageDir = newStorageDir();
        const zone = { timeZone: 'America/New_York' };
        const queued = await runActor({
            baseUrl: emulator.baseUrl,
            storageDir,
            env: at('2026-11-20T12:00:00Z'),
            input: create({ ...zone, pins: [pin('Advent', { publishAt: '2026-12-04T09:00' })] }),
        });
        expect(queued.exitCode).toBe(0);
        expect(queued.items[0]).toMatchObject({
            status: 'scheduled',
            publishAt: '2026-12-04T14:00:00Z',
            publishAtLocal: '2026-12-04 09:00 America/New_York',
        });
        expect(queued.statusMessage).toBe('Scheduled 1 pin. Next scheduled pin: 2026-12-04T14:00:00Z (2026-12-04 09:00 America/New_York).');

        const listed = await runActor({
            baseUrl: emulator.baseUrl,
            storageDir,
            env: at('2026-11-20T12:00:00Z'),
            input: { mode: 'list-scheduled', accessToken: token, skipPreflight: true, timeZone: 'Europe/Berlin' },
        });
        expect(listed.items).toMatchObject([
            { type: 'scheduledPin', publishAt: '2026-12-04T14:00:00Z', publishAtLocal: '2026-12-04 15:00 Europe/Berlin' },
        ]);

        const moved = await runActor({
            baseUrl: emulator.baseUrl,
            storageDir,
            env: at('2026-11-20T12:00:00Z'),
            input: {
                mode: 'cancel-scheduled',
                accessToken: token,
                skipPreflight: true,
                ...zone,
                scheduleIds: [queued.items[0]!.scheduleId],
                newPublishAt: '2026-12-05T10:00',
            },
        });
        expect(moved.statusMessage).toBe('Moved 1 pin of @firsttimer to 2026-12-05T15:00:00Z (2026-12-05 10:00 America/New_York).');
        expect(moved.items).toMatchObject([{ publishAt: '2026-12-05T15:00:00Z', publishAtLocal: '2026-12-05 10:00 America/New_York' }]);
    });
});

describe('a weekly posting plan', () => {
    it('fills weekday slots up to maxPerDay, counting what an earlier run queued, and goes on after the weekend in summer time', async () => {
        const storageDir = newStorageDir();
        // Friday 27 March 2026, 07:00 in Berlin; the clocks go forward on Sunday the 29th.
        const friday = at('2026-03-27T06:00:00Z');
        const spacing = { timeSlots: ['Mon-Fri 09:00', 'Mon-Fri 13:00', 'Mon-Fri 17:00'], maxPerDay: 2 };
        const input = (titles: string[]) => create({ timeZone: 'Europe/Berlin', spacing, pins: titles.map((title) => pin(title)) });
        const first = await runActor({ baseUrl: emulator.baseUrl, storageDir, env: friday, input: input(['Week 1']) });
        expect(first.items.map((item) => item.publishAtLocal)).toEqual(['2026-03-27 09:00 Europe/Berlin']);

        const second = await runActor({ baseUrl: emulator.baseUrl, storageDir, env: friday, input: input(['Week 2', 'Week 3', 'Week 4']) });
        expect(second.exitCode).toBe(0);
        expect(second.items.map((item) => [item.title, item.publishAt, item.publishAtLocal])).toEqual([
            ['Week 2', '2026-03-27T12:00:00Z', '2026-03-27 13:00 Europe/Berlin'],
            ['Week 3', '2026-03-30T07:00:00Z', '2026-03-30 09:00 Europe/Berlin'],
            ['Week 4', '2026-03-30T11:00:00Z', '2026-03-30 13:00 Europe/Berlin'],
        ]);
        expect(posts()).toHaveLength(0);
    });
});
