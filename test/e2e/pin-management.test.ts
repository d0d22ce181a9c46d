import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { DEFAULT_RATE_LIMITS, type PinterestEmulator, startEmulator } from '../emulator/index.js';
import { ALL_SCOPES } from './fixture.js';
import { newStorageDir, runActor, sumCharges } from './harness.js';

/**
 * Managing what is published: update-pins edits pins in bulk (links rewritten and tagged, text, board, section),
 * delete-pins deletes them, and sections are found (or created) by name. The built Actor runs against the emulator,
 * whose write limit is raised so that hundreds of edits take no minutes (npm run bench measures pacing).
 */
let emulator: PinterestEmulator;
let appId: string;
let token: string;
let userId: string;
let shopBoardId: string;

const PINS = 300;
const oldLink = (index: number) => `https://old-shop.com/p/${index}?ref=board&utm_source=old#top`;
const newLink = (index: number) => `https://new-shop.com/p/${index}?ref=board&utm_source=pinterest&utm_medium=social#top`;

beforeAll(async () => {
    emulator = await startEmulator({ rateLimits: { standard: { ...DEFAULT_RATE_LIMITS.standard, org_write: [{ limit: 5000, windowSec: 1 }] } } });
    const app = emulator.state.createApp({});
    appId = app.appId;
    userId = emulator.state.createUser({ username: 'shopkeeper' }).id;
    token = emulator.state.issueTokens({ userId, appId, scopes: ALL_SCOPES }).accessToken;
    shopBoardId = emulator.state.createBoard(userId, { name: 'Shop' }).id;
    emulator.state.createPins(shopBoardId, PINS, (index) => ({ title: `Product ${index}`, link: oldLink(index) }));
});

afterAll(async () => emulator.close());

beforeEach(() => {
    emulator.clearFaults();
    emulator.resetRequests();
    emulator.resetRateLimits();
});

const patches = () => emulator.requestsTo('PATCH', /^\/v5\/pins\/\d+$/);
const indexOf = (item: Record<string, unknown>) => Number(/^Product (\d+)$/.exec(String(item.title))?.[1]);

describe('update-pins', () => {
    const relink = {
        mode: 'update-pins',
        boardId: '',
        maxItems: 1000,
        skipPreflight: true,
        changes: {
            linkRewrite: { find: 'old-shop.com', replace: 'new-shop.com' },
            setQueryParams: { utm_source: 'pinterest', utm_medium: 'social' },
        },
    };

    it('rewrites and tags the links of a 300-pin board: a dry run shows each before and after and sends nothing; the run sends each pin once; a second run finds them unchanged', async () => {
        const input = { ...relink, accessToken: token, boardId: shopBoardId };
        const dry = await runActor({ baseUrl: emulator.baseUrl, payPerEvent: true, input: { ...input, dryRun: true } });
        expect(dry.exitCode, dry.log.slice(-2000)).toBe(0);
        expect(dry.items).toHaveLength(PINS);
        for (const item of dry.items) {
            const index = indexOf(item);
            expect(item).toMatchObject({
                type: 'pinUpdate',
                status: 'would-update',
                source: `board ${shopBoardId}`,
                url: `https://www.pinterest.com/pin/${String(item.pinId)}/`,
                changes: { linkUrl: { before: oldLink(index), after: newLink(index) } },
            });
            expect(Object.keys(item.changes as object)).toEqual(['linkUrl']);
        }
        expect(new Set(dry.items.map(indexOf)).size).toBe(PINS);
        expect(patches()).toHaveLength(0);
        expect(emulator.state.listPinsOfBoard(shopBoardId).every((pin) => pin.link?.startsWith('https://old-shop.com/'))).toBe(true);
        expect(sumCharges(dry.charges, 'pin-updated')).toBe(0);
        expect(dry.statusMessage).toBe('300 pins would be updated. Dry run: nothing was sent.');

        const real = await runActor({ baseUrl: emulator.baseUrl, payPerEvent: true, input });
        expect(real.exitCode, real.log.slice(-2000)).toBe(0);
        expect(real.items).toHaveLength(PINS);
        expect(real.items.every((item) => item.status === 'updated')).toBe(true);
        expect(real.items.map((item) => item.changes)).toEqual(dry.items.map((item) => item.changes));
        // Each pin once, with the link alone in the body.
        const sent = patches();
        expect(sent).toHaveLength(PINS);
        expect(new Set(sent.map((request) => request.path)).size).toBe(PINS);
        expect(sent.every((request) => Object.keys(request.body as object).join() === 'link')).toBe(true);
        for (const pin of emulator.state.listPinsOfBoard(shopBoardId)) expect(pin.link).toBe(newLink(Number(pin.title?.slice(8))));
        expect(sumCharges(real.charges, 'pin-updated')).toBe(PINS);
        expect(real.statusMessage).toBe('Updated 300 pins.');

        emulator.resetRequests();
        const again = await runActor({ baseUrl: emulator.baseUrl, payPerEvent: true, input });
        expect(again.exitCode).toBe(0);
        expect(again.items.every((item) => item.status === 'unchanged' && Object.keys(item.changes as object).length === 0)).toBe(true);
        expect(patches()).toHaveLength(0);
        expect(sumCharges(again.charges, 'pin-updated')).toBe(0);
        expect(again.statusMessage).toBe('All 300 pins are already as asked: nothing was sent.');
    });

    it('stops after the first PATCH when Pinterest does not let the app edit pins, saying so in one sentence', async () => {
        const deniedApp = emulator.state.createApp({});
        emulator.state.pinUpdateDeniedApps.add(deniedApp.appId);
        const deniedToken = emulator.state.issueTokens({ userId, appId: deniedApp.appId, scopes: ALL_SCOPES }).accessToken;
        const pins = emulator.state.listPinsOfBoard(shopBoardId).slice(0, 5);
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            payPerEvent: true,
            input: {
                mode: 'update-pins',
                accessToken: deniedToken,
                skipPreflight: true,
                pinIds: pins.map((pin, index) => (index % 2 ? `https://www.pinterest.com/pin/${pin.id}/` : pin.id)),
                changes: { pinTitle: 'Renamed' },
            },
        });
        expect(run.exitCode).toBe(1);
        expect(patches()).toHaveLength(1);
        expect(run.statusMessage).toMatch(
            /^Pinterest does not let this app edit pins \(HTTP 401, code 3 on PATCH \/pins\): .*apply for access to it for your app at developers\.pinterest\.com, or edit the pins in Pinterest's web app/,
        );
        expect(run.statusMessage?.match(/\. /g) ?? []).toHaveLength(0);
        expect(run.items.map((item) => [item.pinId, item.status])).toEqual(
            pins.map((pin, index) => [pin.id, index === 0 ? 'failed' : 'not-attempted']),
        );
        expect((run.items[0]!.error as { message: string; httpStatus: number }).httpStatus).toBe(401);
        expect(sumCharges(run.charges, 'pin-updated')).toBe(0);
        expect(emulator.state.listPinsOfBoard(shopBoardId).some((pin) => pin.title === 'Renamed')).toBe(false);
    });

    it('edits pins one by one, moves them into a section by name (created once), and fails only the pin whose rewrite breaks its link', async () => {
        const board = emulator.state.createBoard(userId, { name: 'Kitchen' }).id;
        const pins = emulator.state.createPins(board, 3, (index) => ({ title: `Kitchen ${index}`, link: `https://shop.com/k/${index}` }));
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            payPerEvent: true,
            input: {
                mode: 'update-pins',
                accessToken: token,
                skipPreflight: true,
                createMissingSections: true,
                changes: { boardSectionName: 'Best sellers' },
                pinUpdates: [
                    { pinId: pins[0]!.id, pinTitle: 'Kitchen zero, renamed', altText: 'A kitchen' },
                    { pinId: `https://www.pinterest.com/pin/${pins[1]!.id}/`, linkRewrite: { find: 'https://', replace: 'ftp://' } },
                    { pinId: pins[2]!.id, setQueryParams: { utm_source: 'pinterest' } },
                ],
            },
        });
        expect(run.exitCode, run.log.slice(-2000)).toBe(0);
        const section = emulator.state.sectionsOf(board);
        expect(section).toEqual([{ id: expect.any(String), name: 'Best sellers' }]);
        expect(emulator.requestsTo('POST', `/v5/boards/${board}/sections`)).toHaveLength(1);
        expect(run.items.map((item) => [item.source, item.status])).toEqual([
            ['pinUpdates[0]', 'updated'],
            ['pinUpdates[1]', 'failed'],
            ['pinUpdates[2]', 'updated'],
        ]);
        expect(run.items[0]!.changes).toEqual({
            pinTitle: { before: 'Kitchen 0', after: 'Kitchen zero, renamed' },
            altText: { before: null, after: 'A kitchen' },
            boardSectionId: { before: null, after: section[0]!.id },
        });
        expect((run.items[1]!.error as { message: string }).message).toMatch(
            /^pinUpdates\[1\]: the edited link "ftp:\/\/shop\.com\/k\/1" breaks a rule \(linkUrl must be a full http\(s\) URL/,
        );
        expect(run.items[2]!.changes).toEqual({
            linkUrl: { before: 'https://shop.com/k/2', after: 'https://shop.com/k/2?utm_source=pinterest' },
            boardSectionId: { before: null, after: section[0]!.id },
        });
        expect(patches()).toHaveLength(2);
        expect(emulator.state.getPin(pins[0]!.id)).toMatchObject({ title: 'Kitchen zero, renamed', board_section_id: section[0]!.id });
        expect(emulator.state.getPin(pins[1]!.id)?.link).toBe('https://shop.com/k/1');
        expect(sumCharges(run.charges, 'pin-updated')).toBe(2);
        expect(run.statusMessage).toBe("Updated 2 pins, 1 failed (see each row's error).");
    });

    it('carries on after a restart in the middle of a page: every pin edited once, one row each, charged once', async () => {
        const board = emulator.state.createBoard(userId, { name: 'Restarted' }).id;
        emulator.state.createPins(board, 200, (index) => ({ title: `Item ${index}` }));
        const renamed = () => emulator.state.listPinsOfBoard(board).filter((pin) => pin.title === 'Renamed').length;
        const storageDir = newStorageDir();
        const input = {
            mode: 'update-pins',
            accessToken: token,
            skipPreflight: true,
            boardId: board,
            maxItems: 500,
            changes: { pinTitle: 'Renamed' },
        };
        // The 151st edit is made but its answer never comes: the run dies with page two half sent.
        emulator.injectFault({ kind: 'slow', delayMs: 30_000, match: { method: 'PATCH', path: /^\/v5\/pins\/\d+$/ }, skip: 150 });
        const killed = await runActor({ baseUrl: emulator.baseUrl, storageDir, payPerEvent: true, input, killWhen: () => renamed() >= 151 });
        expect(killed.exitCode).toBeNull();
        expect(killed.items).toHaveLength(100);

        emulator.clearFaults();
        const sentBefore = patches().length;
        const resumed = await runActor({ baseUrl: emulator.baseUrl, storageDir, payPerEvent: true, input, env: { CRAWLEE_PURGE_ON_START: 'false' } });
        expect(resumed.exitCode, resumed.log.slice(-2000)).toBe(0);
        expect(renamed()).toBe(200);
        expect(resumed.items).toHaveLength(200);
        expect(new Set(resumed.items.map((item) => item.pinId)).size).toBe(200);
        // The pins the first process had edited are reported as its edits, not edited again.
        expect(resumed.items.every((item) => item.status === 'updated')).toBe(true);
        expect(new Set(patches().map((request) => request.path)).size).toBe(patches().length);
        expect(patches().length - sentBefore).toBe(200 - sentBefore);
        expect(sumCharges(resumed.charges, 'pin-updated')).toBe(200);
        expect(resumed.statusMessage).toBe('Updated 200 pins.');
    });

    it('updates a pin only when one more pin-updated fits the maximum charge', async () => {
        const board = emulator.state.createBoard(userId, { name: 'Budget' }).id;
        const pins = emulator.state.createPins(board, 5, (index) => ({ title: `Budget ${index}` }));
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            payPerEvent: true,
            maxTotalChargeUsd: 2,
            input: { mode: 'update-pins', accessToken: token, skipPreflight: true, boardId: board, changes: { pinDescription: 'New words' } },
        });
        expect(run.exitCode, run.log.slice(-2000)).toBe(0);
        expect(run.items.map((item) => item.status)).toEqual(['updated', 'updated', 'not-attempted', 'not-attempted', 'not-attempted']);
        expect(run.items[2]!.reason).toMatch(/maximum charge you set for this run cannot pay for one more pin-updated event/);
        expect(patches()).toHaveLength(2);
        expect(sumCharges(run.charges, 'pin-updated')).toBe(2);
        expect(emulator.state.listPinsOfBoard(board).filter((pin) => pin.description === 'New words')).toHaveLength(2);
        expect(pins).toHaveLength(5);
        expect(run.statusMessage).toBe(
            "Updated 2 pins, 3 not attempted (see each row's reason) (stopped at the maximum charge you set for this run).",
        );
    });
});

describe('board sections by name', () => {
    it('create-pin puts pins in a section named in boardSectionName, creating a missing one once for the two pins that name it', async () => {
        const board = emulator.state.createBoard(userId, { name: 'Recipes' }).id;
        emulator.state.createBoardSection(board, 'Breakfast');
        const pin = (title: string, section: string) => ({
            boardName: 'recipes',
            boardSectionName: section,
            pinTitle: title,
            imageUrl: `https://example.com/${title}.jpg`,
        });
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            payPerEvent: true,
            input: {
                mode: 'create-pin',
                accessToken: token,
                skipPreflight: true,
                createMissingSections: true,
                pins: [
                    pin('Pancakes', ' breakfast '),
                    pin('Tart', 'Desserts'),
                    pin('Cake', 'desserts'),
                    { ...pin('Both', 'Desserts'), boardSectionId: '1' },
                ],
            },
        });
        expect(run.exitCode, run.log.slice(-2000)).toBe(0);
        const sections = emulator.state.sectionsOf(board);
        expect(sections.map((section) => section.name)).toEqual(['Breakfast', 'Desserts']);
        expect(emulator.requestsTo('POST', `/v5/boards/${board}/sections`)).toHaveLength(1);
        expect(emulator.requestsTo('GET', `/v5/boards/${board}/sections`)).toHaveLength(1);
        expect(run.items.map((item) => item.status)).toEqual(['created', 'created', 'created', 'failed']);
        expect((run.items[3]!.error as { message: string }).message).toBe('pins[3]: give boardSectionId or boardSectionName, not both.');
        // Requests leave in input order but may arrive in another: compare them by pin.
        const posted = Object.fromEntries(
            emulator.requestsTo('POST', '/v5/pins').map((request) => {
                const body = request.body as { title: string; board_section_id?: string };
                return [body.title, body.board_section_id];
            }),
        );
        expect(posted).toEqual({ Pancakes: sections[0]!.id, Tart: sections[1]!.id, Cake: sections[1]!.id });
        expect(sumCharges(run.charges, 'pin-created')).toBe(3);
    });

    it('create-pin from a CSV with a Section column creates a missing section once for the rows that name it', async () => {
        const board = emulator.state.createBoard(userId, { name: 'Bakery' }).id;
        const csv = [
            'Title,Media URL,Pinterest board,Section',
            'Sourdough,https://example.com/sourdough.jpg,Bakery,Breads',
            'Rye,https://example.com/rye.jpg,bakery, breads ',
            'Croissant,https://example.com/croissant.jpg,Bakery,',
        ].join('\n');
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            payPerEvent: true,
            input: { mode: 'create-pin', accessToken: token, skipPreflight: true, createMissingSections: true, pinsCsv: csv },
        });
        expect(run.exitCode, run.log.slice(-2000)).toBe(0);
        expect(run.items.map((item) => item.status)).toEqual(['created', 'created', 'created']);
        const sections = emulator.state.sectionsOf(board);
        expect(sections.map((section) => section.name)).toEqual(['Breads']);
        expect(emulator.requestsTo('POST', `/v5/boards/${board}/sections`)).toHaveLength(1);
        const posted = Object.fromEntries(
            emulator.requestsTo('POST', '/v5/pins').map((request) => {
                const body = request.body as { title: string; board_section_id?: string };
                return [body.title, body.board_section_id ?? null];
            }),
        );
        expect(posted).toEqual({ Sourdough: sections[0]!.id, Rye: sections[0]!.id, Croissant: null });
        expect(sumCharges(run.charges, 'pin-created')).toBe(3);
    });

    it('fails a pin naming an unknown section with the closest names, the others go out', async () => {
        const board = emulator.state.createBoard(userId, { name: 'Garden' }).id;
        for (const name of ['Roses', 'Tulips']) emulator.state.createBoardSection(board, name);
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            input: {
                mode: 'create-pin',
                accessToken: token,
                skipPreflight: true,
                pins: [
                    { boardId: board, boardSectionName: 'Rose', pinTitle: 'One', imageUrl: 'https://example.com/1.jpg' },
                    { boardId: board, boardSectionName: 'TULIPS', pinTitle: 'Two', imageUrl: 'https://example.com/2.jpg' },
                ],
            },
        });
        expect(run.exitCode).toBe(0);
        expect(run.items.map((item) => item.status)).toEqual(['failed', 'created']);
        expect((run.items[0]!.error as { message: string }).message).toBe(
            `pins[0]: boardSectionName "Rose" is not a section of board ${board} (closest: "Roses", "Tulips"): fix the name, or set createMissingSections to true to create it.`,
        );
        expect(emulator.requestsTo('POST', `/v5/boards/${board}/sections`)).toHaveLength(0);
    });

    it('list-boards with includeSections adds each board’s sections to its row', async () => {
        const board = emulator.state.createBoard(userId, { name: 'Sectioned' }).id;
        for (const name of ['First', 'Second']) emulator.state.createBoardSection(board, name);
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            input: { mode: 'list-boards', accessToken: token, skipPreflight: true, includeSections: true, maxItems: 100 },
        });
        expect(run.exitCode).toBe(0);
        const boards = emulator.state.boardsOf(userId);
        expect(run.items).toHaveLength(boards.length);
        expect(run.items.find((item) => item.id === board)?.sections).toEqual(emulator.state.sectionsOf(board));
        expect(run.items.find((item) => item.id === shopBoardId)?.sections).toEqual([]);
        expect(emulator.requestsTo('GET', /^\/v5\/boards\/\d+\/sections$/)).toHaveLength(boards.length);
        expect(run.statusMessage).toBe(`Fetched ${boards.length} boards with their sections.`);
        const plain = await runActor({
            baseUrl: emulator.baseUrl,
            input: { mode: 'list-boards', accessToken: token, skipPreflight: true, maxItems: 100 },
        });
        expect(plain.items.every((item) => !('sections' in item))).toBe(true);
    });
});

describe('delete-pins', () => {
    it('deletes pins by id or URL, counts one already gone as done, and lets the ledger publish the same pin again as a new one', async () => {
        const board = emulator.state.createBoard(userId, { name: 'Seasonal' }).id;
        const storageDir = newStorageDir();
        const pin = {
            mode: 'create-pin',
            accessToken: token,
            skipPreflight: true,
            boardId: board,
            pinTitle: 'Summer sale',
            imageUrl: 'https://example.com/sale.jpg',
        };
        const created = await runActor({ baseUrl: emulator.baseUrl, storageDir, input: pin });
        expect(created.exitCode).toBe(0);
        const pinId = String(created.items[0]!.id);
        const other = emulator.state.createPins(board, 1)[0]!.id;
        const missing = '999999999999999999';

        const dry = await runActor({
            baseUrl: emulator.baseUrl,
            storageDir,
            input: { mode: 'delete-pins', accessToken: token, skipPreflight: true, dryRun: true, pinIds: [pinId, missing] },
        });
        expect(dry.exitCode).toBe(0);
        expect(dry.items.map((item) => [item.pinId, item.status])).toEqual([
            [pinId, 'would-delete'],
            [missing, 'not-found'],
        ]);
        expect(emulator.requestsTo('DELETE', /^\/v5\/pins\//)).toHaveLength(0);
        expect(dry.statusMessage).toBe('1 pin would be deleted, 1 already gone. Dry run: nothing was deleted.');

        const run = await runActor({
            baseUrl: emulator.baseUrl,
            storageDir,
            payPerEvent: true,
            input: {
                mode: 'delete-pins',
                accessToken: token,
                skipPreflight: true,
                pinIds: [`https://www.pinterest.com/pin/${pinId}/`, other, missing, pinId],
            },
        });
        expect(run.exitCode, run.log.slice(-2000)).toBe(0);
        expect(run.items.map((item) => [item.type, item.pinId, item.status])).toEqual([
            ['pinDeletion', pinId, 'deleted'],
            ['pinDeletion', other, 'deleted'],
            ['pinDeletion', missing, 'not-found'],
        ]);
        expect(run.items[0]!.reason).toBe('The ledger now knows it is deleted: publishing the same pin again creates a new one.');
        expect(run.items[1]!.reason).toBeNull();
        expect(emulator.state.getPin(pinId)).toBeUndefined();
        expect(emulator.state.getPin(other)).toBeUndefined();
        expect(emulator.requestsTo('DELETE', /^\/v5\/pins\//)).toHaveLength(3);
        expect(run.charges).toEqual([]);
        expect(run.statusMessage).toBe('Deleted 2 pins, 1 already gone.');

        // The same pin again: the ledger no longer calls it a duplicate.
        emulator.resetRequests();
        const again = await runActor({ baseUrl: emulator.baseUrl, storageDir, input: pin });
        expect(again.exitCode).toBe(0);
        expect(again.items[0]).toMatchObject({ status: 'created' });
        expect(again.items[0]!.id).not.toBe(pinId);
        expect(emulator.requestsTo('POST', '/v5/pins')).toHaveLength(1);
        expect(emulator.state.listPinsOfBoard(board).map((listed) => listed.id)).toEqual([again.items[0]!.id]);
    });

    it('takes only pinIds, checked before any request', async () => {
        const run = await runActor({ baseUrl: emulator.baseUrl, input: { mode: 'delete-pins', accessToken: token, boardId: shopBoardId } });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toBe('Invalid input: delete-pins needs pinIds: the pins to delete, as pin ids or pin URLs');
        expect(emulator.requestsTo('GET', '/v5/user_account')).toHaveLength(0);
        const tooMany = await runActor({
            baseUrl: emulator.baseUrl,
            input: { mode: 'delete-pins', accessToken: token, pinIds: Array.from({ length: 1001 }, (_, index) => String(index + 1)) },
        });
        expect(tooMany.statusMessage).toBe('Invalid input: pinIds may list at most 1000 pins');
    });
});
