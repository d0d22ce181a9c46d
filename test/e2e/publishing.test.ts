import { beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { useAccount } from './use-account.js';
import { type RunView, sumCharges } from './harness.js';
import { useWorld, WORLDS } from './worlds.js';

/**
 * create-pin as a batch publisher: many pins, CSV, boards by name, carousels and videos, dry runs, and the
 * exactly-once guarantee across re-runs, restarts and unanswered requests, locally and on the platform. Each test
 * uses its own space, so its ledger starts empty unless the test shares one on purpose.
 */
describe.each(WORLDS)('%s world', (worldName) => {
    const world = useWorld(worldName);
    const account = useAccount({ username: 'publisher' });

    beforeAll(async () => {
        account.emulator.state.createBoard(account.userId, { name: 'Summer Recipes' });
        account.emulator.state.createBoard(account.userId, { name: 'Home Decor' });
    });

    beforeEach(() => {
        account.emulator.clearFaults();
        account.emulator.resetRequests();
    });

    const base = { mode: 'create-pin', skipPreflight: true };
    const pin = (title: string, extra: Record<string, unknown> = {}) => ({
        boardId: account.boardId,
        pinTitle: title,
        imageUrl: `https://example.com/${encodeURIComponent(title)}.jpg`,
        ...extra,
    });
    const posts = () => account.emulator.requestsTo('POST', '/v5/pins');
    /**
     * The run's progress record says the first row is stored (and charged). Locally the SDK writes that record to
     * disk in the background: a kill before it lands is a kill before the row counted as stored.
     */
    const firstRowRecorded = (run: RunView) => ((run.record('PUBLISH-PROGRESS') as { pushed?: number } | undefined)?.pushed ?? 0) >= 1;
    const statuses = (items: Array<Record<string, unknown>>) => items.map((item) => item.status);

    describe('many pins in one run', () => {
        it('publishes a batch in input order; a pin naming an unknown board fails with the closest names and the rest go out', async () => {
            const run = await world.run({
                baseUrl: account.emulator.baseUrl,
                payPerEvent: true,
                input: {
                    ...base,
                    accessToken: account.token,
                    pins: [
                        pin('First'),
                        { boardName: '  summer recipes ', pinTitle: 'Second', imageUrl: 'https://example.com/2.jpg' },
                        { boardName: 'Sumer Recipe', pinTitle: 'Third', imageUrl: 'https://example.com/3.jpg' },
                        pin('Fourth'),
                    ],
                },
            });
            expect(run.exitCode).toBe(0);
            expect(run.items.map((item) => [item.position, item.title, item.status])).toEqual([
                [1, 'First', 'created'],
                [2, 'Second', 'created'],
                [3, 'Third', 'failed'],
                [4, 'Fourth', 'created'],
            ]);
            const failed = run.items[2]!;
            expect((failed.error as { message: string }).message).toBe(
                'pins[2]: boardName "Sumer Recipe" is not one of your boards (closest: "Summer Recipes", "Home Decor", "publisher board"): fix the name, or set createMissingBoards to true to create it.',
            );
            expect(run.items[1]!.boardId).toBe(account.emulator.state.boardsOf(account.userId).find((board) => board.name === 'Summer Recipes')?.id);
            // Prepared side by side, sent in input order.
            expect(posts().map((request) => (request.body as { title: string }).title)).toEqual(['First', 'Second', 'Fourth']);
            // The boards were listed once for both names.
            expect(account.emulator.requestsTo('GET', '/v5/boards')).toHaveLength(1);
            expect(sumCharges(run.charges, 'pin-created')).toBe(3);
            expect(run.statusMessage).toBe("Created 3 pins, 1 failed (see each row's error).");
            const output = run.record('OUTPUT') as Record<string, unknown>;
            expect(output).toMatchObject({ mode: 'create-pin', counts: { created: 3, failed: 1 }, eventsCharged: { 'pin-created': 3 } });
        });

        it("reads Pinterest's bulk CSV: quoted commas and line breaks, a bad row reported by its spreadsheet row number", async () => {
            const csv = [
                'title,MEDIA URL,Pinterest Board,Description,Link,Keywords,Notes',
                `"Tart, lemon",https://example.com/tart.jpg,Summer Recipes,"Sweet, sharp",https://example.com/tart,"lemon, tart",x`,
                `"Two lines",https://example.com/two.jpg,Home Decor,"line one`,
                `line two",https://example.com/two,,`,
                `No link,https://example.com/nolink.jpg,Home Decor,,not-a-url,,`,
            ].join('\r\n');
            const run = await world.run({ baseUrl: account.emulator.baseUrl, input: { ...base, accessToken: account.token, pinsCsv: csv } });
            expect(run.exitCode).toBe(0);
            expect(run.items.map((item) => [item.source, item.status])).toEqual([
                ['CSV row 2', 'created'],
                ['CSV row 3', 'created'],
                ['CSV row 4', 'failed'],
            ]);
            expect(run.items[0]).toMatchObject({ title: 'Tart, lemon', description: 'Sweet, sharp' });
            expect(run.items[1]!.description).toMatch(/^line one\r?\nline two$/);
            expect((run.items[2]!.error as { message: string }).message).toMatch(/^CSV row 4: Link must be a full http\(s\) URL/);
            expect(run.log).toMatch(/Keywords/);
            expect(posts()).toHaveLength(2);
        });

        it('creates a missing board once, however many pins name it', async () => {
            const run = await world.run({
                baseUrl: account.emulator.baseUrl,
                input: {
                    ...base,
                    accessToken: account.token,
                    createMissingBoards: true,
                    pins: ['One', 'Two', 'Three'].map((title) => ({
                        boardName: 'Brand New Board',
                        pinTitle: title,
                        imageUrl: `https://example.com/${title}.jpg`,
                    })),
                },
            });
            expect(run.exitCode).toBe(0);
            expect(statuses(run.items)).toEqual(['created', 'created', 'created']);
            expect(account.emulator.requestsTo('POST', '/v5/boards')).toHaveLength(1);
            expect(new Set(run.items.map((item) => item.boardId)).size).toBe(1);
        });

        // Pinterest's media flow, with nothing stored on the way but the row: once, locally, is enough.
        it.runIf(worldName === 'local')('publishes a carousel and a video pin through the whole media flow', async () => {
            const video = await serveVideo();
            try {
                const run = await world.run({
                    baseUrl: account.emulator.baseUrl,
                    input: {
                        ...base,
                        accessToken: account.token,
                        pins: [
                            {
                                boardId: account.boardId,
                                pinTitle: 'Carousel',
                                imageUrls: ['https://example.com/c1.jpg', 'https://example.com/c2.jpg', 'https://example.com/c3.jpg'],
                            },
                            { boardId: account.boardId, pinTitle: 'Video', videoUrl: video.url, coverImageUrl: 'https://example.com/cover.jpg' },
                        ],
                    },
                });
                expect(run.exitCode).toBe(0);
                expect(statuses(run.items)).toEqual(['created', 'created']);
                const [carousel, videoPost] = posts();
                expect(carousel?.body).toMatchObject({
                    media_source: {
                        source_type: 'multiple_image_urls',
                        items: [{ url: 'https://example.com/c1.jpg' }, { url: 'https://example.com/c2.jpg' }, { url: 'https://example.com/c3.jpg' }],
                    },
                });
                const mediaId = (videoPost?.body as { media_source: { media_id: string } }).media_source.media_id;
                expect(videoPost?.body).toMatchObject({
                    media_source: { source_type: 'video_id', cover_image_url: 'https://example.com/cover.jpg' },
                });
                const media = account.emulator.state.getMedia(mediaId);
                expect(media?.status).toBe('succeeded');
                expect(media?.upload?.bytes).toBe(video.bytes);
                expect(media?.upload?.authorizationHeader).toBeFalsy();
                expect(run.items[1]).toMatchObject({ mediaType: 'video' });
            } finally {
                await video.close();
            }
        });

        it('rejects impossible media combinations for that pin only, before any request for it', async () => {
            const run = await world.run({
                baseUrl: account.emulator.baseUrl,
                input: {
                    ...base,
                    accessToken: account.token,
                    pins: [
                        { boardId: account.boardId, pinTitle: 'One image carousel', imageUrls: ['https://example.com/1.jpg'] },
                        { boardId: account.boardId, pinTitle: 'Video without cover', videoUrl: 'https://example.com/v.mp4' },
                        {
                            boardId: account.boardId,
                            pinTitle: 'Two kinds',
                            imageUrl: 'https://example.com/1.jpg',
                            videoUrl: 'https://example.com/v.mp4',
                            coverImageUrl: 'https://example.com/c.jpg',
                        },
                        { boardId: account.boardId, pinTitle: 'FTP', imageUrl: 'ftp://example.com/1.jpg' },
                        pin('Fine'),
                    ],
                },
            });
            expect(run.exitCode).toBe(0);
            expect(statuses(run.items)).toEqual(['failed', 'failed', 'failed', 'failed', 'created']);
            const messages = run.items.slice(0, 4).map((item) => (item.error as { message: string }).message);
            expect(messages[0]).toMatch(/imageUrls must list 2 to 5 images/);
            expect(messages[1]).toMatch(/videoUrl needs coverImageUrl/);
            expect(messages[2]).toMatch(/one kind of media, but imageUrl and videoUrl were given/);
            expect(messages[3]).toMatch(/imageUrl must be a full http\(s\) URL/);
            expect(posts()).toHaveLength(1);
            expect(account.emulator.requestsTo('POST', '/v5/media')).toHaveLength(0);
        });
    });

    describe('exactly once', () => {
        it('posts and charges nothing when the same input runs again: every row is skipped-duplicate with the existing pin', async () => {
            const space = world.newSpace();
            const input = { ...base, accessToken: account.token, pins: [pin('Again 1'), pin('Again 2')] };
            const first = await space.run({ baseUrl: account.emulator.baseUrl, payPerEvent: true, input });
            expect(statuses(first.items)).toEqual(['created', 'created']);

            const second = await space.run({ baseUrl: account.emulator.baseUrl, payPerEvent: true, input });
            expect(second.exitCode).toBe(0);
            expect(statuses(second.items)).toEqual(['skipped-duplicate', 'skipped-duplicate']);
            expect(second.items.map((item) => item.id)).toEqual(first.items.map((item) => item.id));
            expect(posts()).toHaveLength(2);
            expect(second.charges).toEqual([]);
            expect(second.statusMessage).toBe('Skipped 2 duplicates.');

            const third = await space.run({ baseUrl: account.emulator.baseUrl, input: { ...input, allowDuplicates: true } });
            expect(statuses(third.items)).toEqual(['created', 'created']);
            expect(posts()).toHaveLength(4);
        });

        it('publishes the same pin twice in one input once', async () => {
            const run = await world.run({
                baseUrl: account.emulator.baseUrl,
                payPerEvent: true,
                input: { ...base, accessToken: account.token, pins: [pin('Twin'), pin('Twin')] },
            });
            expect(statuses(run.items)).toEqual(['created', 'skipped-duplicate']);
            expect(run.items[1]!.id).toBe(run.items[0]!.id);
            expect(posts()).toHaveLength(1);
            expect(sumCharges(run.charges, 'pin-created')).toBe(1);
        });

        it('reconciles a POST whose connection dropped after Pinterest created the pin: created, charged once, not posted again', async () => {
            account.emulator.injectFault({ kind: 'drop-after-commit', match: { method: 'POST', path: '/v5/pins' }, skip: 1 });
            const run = await world.run({
                baseUrl: account.emulator.baseUrl,
                payPerEvent: true,
                input: { ...base, accessToken: account.token, pins: [pin('Before drop'), pin('Dropped'), pin('After drop')] },
            });
            expect(run.exitCode).toBe(0);
            expect(statuses(run.items)).toEqual(['created', 'created', 'created']);
            expect(posts()).toHaveLength(3);
            expect(account.emulator.state.listPinsOfBoard(account.boardId).filter((item) => item.title === 'Dropped')).toHaveLength(1);
            expect(run.items[1]!.id).toBe(account.emulator.state.listPinsOfBoard(account.boardId).find((item) => item.title === 'Dropped')?.id);
            expect(sumCharges(run.charges, 'pin-created')).toBe(3);
        });

        it('finds the pin when the board listing lags behind a 5xx that hid a created pin', async () => {
            account.emulator.state.setListingLag({ lists: 1 });
            account.emulator.injectFault({ kind: 'server-error-after-commit', status: 502, match: { method: 'POST', path: '/v5/pins' } });
            try {
                const run = await world.run({
                    baseUrl: account.emulator.baseUrl,
                    payPerEvent: true,
                    input: { ...base, accessToken: account.token, pins: [pin('Lagging')] },
                });
                expect(run.exitCode).toBe(0);
                expect(statuses(run.items)).toEqual(['created']);
                expect(posts()).toHaveLength(1);
                expect(account.emulator.requestsTo('GET', `/v5/boards/${account.boardId}/pins`).length).toBeGreaterThanOrEqual(2);
                expect(sumCharges(run.charges, 'pin-created')).toBe(1);
            } finally {
                account.emulator.state.setListingLag({});
            }
        });

        it('reports a 5xx pin it cannot find yet as unconfirmed (not charged), and the next run finds it before posting', async () => {
            const space = world.newSpace();
            // The pin stays out of the board's listing for the first run's two looks (at once, and after a second).
            account.emulator.state.setListingLag({ lists: 2 });
            account.emulator.injectFault({ kind: 'server-error-after-commit', status: 500, match: { method: 'POST', path: '/v5/pins' } });
            const input = { ...base, accessToken: account.token, reconcileWaitSeconds: 1, pins: [pin('Unsure'), pin('Sure')] };
            try {
                const first = await space.run({ baseUrl: account.emulator.baseUrl, payPerEvent: true, input });
                expect(first.exitCode).toBe(0);
                expect(statuses(first.items)).toEqual(['unconfirmed', 'created']);
                expect(sumCharges(first.charges, 'pin-created')).toBe(1);
            } finally {
                account.emulator.state.setListingLag({});
            }
            const second = await space.run({ baseUrl: account.emulator.baseUrl, payPerEvent: true, input });
            expect(statuses(second.items)).toEqual(['created', 'skipped-duplicate']);
            expect(posts()).toHaveLength(2);
            expect(account.emulator.state.listPinsOfBoard(account.boardId).filter((item) => item.title === 'Unsure')).toHaveLength(1);
            expect(sumCharges(second.charges, 'pin-created')).toBe(1);
        });
    });

    describe('restarts', () => {
        it('resumes a batch killed right after a POST: every pin once on the board, one row and one charge each', async () => {
            const space = world.newSpace();
            const titles = ['Restart 1', 'Restart 2', 'Restart 3', 'Restart 4'];
            const input = { ...base, accessToken: account.token, pins: titles.map((title) => pin(title)) };
            const onBoard = () => account.emulator.state.listPinsOfBoard(account.boardId).filter((item) => titles.includes(String(item.title)));
            // Hold the answer to the second POST: the pin exists on Pinterest, and the process dies before it hears so.
            account.emulator.injectFault({ kind: 'slow', delayMs: 10_000, match: { method: 'POST', path: '/v5/pins' }, skip: 1 });
            const killed = await space.run({
                baseUrl: account.emulator.baseUrl,
                payPerEvent: true,
                input,
                // Not before the first pin is stored and charged: the SDK stores a row, then charges it, and a kill between
                // the two loses that one charge (never doubles it), which is not what this test is about.
                killWhen: (run) => onBoard().length >= 2 && run.charges().length >= 1 && firstRowRecorded(run),
            });
            expect(killed.exitCode).toBeNull();

            account.emulator.clearFaults();
            const resumed = await space.restart(killed, { baseUrl: account.emulator.baseUrl, payPerEvent: true, input });
            expect(resumed.exitCode).toBe(0);
            expect(
                onBoard()
                    .map((item) => item.title)
                    .sort(),
            ).toEqual(titles);
            expect(resumed.items.map((item) => [item.title, item.status])).toEqual(titles.map((title) => [title, 'created']));
            expect(new Set(resumed.items.map((item) => item.id)).size).toBe(4);
            expect(sumCharges(resumed.charges, 'pin-created')).toBe(4);
            // The status and OUTPUT tell the whole run, not the part after the restart.
            expect(resumed.statusMessage).toBe('Created 4 pins.');
            const output = resumed.record('OUTPUT') as Record<string, unknown>;
            expect(output).toMatchObject({ status: 'succeeded', counts: { created: 4 } });
            // Only the platform knows the charges of a run's earlier processes (chargedEventCounts).
            if (world.name === 'platform') expect(output.eventsCharged).toEqual({ 'pin-created': 4 });
        });
    });

    describe('store names', () => {
        it('refuses store names the platform refuses (a hyphen first or last) before any request, charging nothing', async () => {
            const run = await world.run({
                baseUrl: account.emulator.baseUrl,
                payPerEvent: true,
                input: { ...base, accessToken: account.token, ledgerStoreName: 'my-ledger-', queueStoreName: '-queue', pins: [pin('Named stores')] },
            });
            expect(run.exitCode).toBe(1);
            expect(run.statusMessage).toBe(
                'Invalid input: ledgerStoreName must be 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen; queueStoreName must be 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen',
            );
            expect(account.emulator.requests).toHaveLength(0);
            expect(run.charges).toEqual([]);
        });
    });

    describe('dry run, budget and spam', () => {
        it('dry run checks everything and posts, queues and charges nothing', async () => {
            const run = await world.run({
                baseUrl: account.emulator.baseUrl,
                payPerEvent: true,
                input: {
                    ...base,
                    accessToken: account.token,
                    dryRun: true,
                    pins: [
                        pin('Dry 1'),
                        { boardName: 'Nope', pinTitle: 'Dry 2', imageUrl: 'https://example.com/d.jpg' },
                        pin('Dry 3', { publishAt: '2099-01-01T09:00:00Z' }),
                    ],
                },
            });
            expect(run.exitCode).toBe(0);
            expect(statuses(run.items)).toEqual(['would-create', 'failed', 'would-schedule']);
            expect(posts()).toHaveLength(0);
            expect(run.charges).toEqual([]);
            expect(run.namedStore('pinterest-pin-queue')).toEqual({});
        });

        it('starts only the pins the maximum charge can pay for: 3 of 5 created, 2 not attempted', async () => {
            const run = await world.run({
                baseUrl: account.emulator.baseUrl,
                payPerEvent: true,
                maxTotalChargeUsd: 3,
                input: { ...base, accessToken: account.token, pins: [1, 2, 3, 4, 5].map((n) => pin(`Budget ${n}`)) },
            });
            expect(run.exitCode).toBe(0);
            expect(statuses(run.items)).toEqual(['created', 'created', 'created', 'not-attempted', 'not-attempted']);
            expect(run.items[4]!.reason).toMatch(/maximum charge/);
            expect(posts()).toHaveLength(3);
            expect(sumCharges(run.charges, 'pin-created')).toBe(3);
        });

        it('stops the batch at a spam block: the rest are not attempted, with the reason', async () => {
            account.emulator.injectFault({ kind: 'spam', match: { method: 'POST', path: '/v5/pins' }, skip: 1 });
            const run = await world.run({
                baseUrl: account.emulator.baseUrl,
                input: { ...base, accessToken: account.token, pins: [1, 2, 3, 4].map((n) => pin(`Spam ${n}`)) },
            });
            expect(run.exitCode).toBe(0);
            // Pins run concurrently, so which one meets the block depends on timing; what follows it does not.
            expect([...statuses(run.items)].sort()).toEqual(['created', 'failed', 'not-attempted', 'not-attempted']);
            const blocked = run.items.find((item) => item.status === 'failed')!;
            expect((blocked.error as { message: string }).message).toMatch(/suspected spam/);
            for (const item of run.items.filter((row) => row.status === 'not-attempted')) expect(item.reason).toMatch(/spam/);
            expect(posts()).toHaveLength(2);
            expect(run.statusMessage).toBe("Created 1 pin, 2 not attempted, 1 failed (see each row's error).");
        });
    });
});

async function serveVideo(): Promise<{ url: string; bytes: number; close: () => Promise<void> }> {
    const { createServer } = await import('node:http');
    const body = Buffer.alloc(256 * 1024, 7);
    const server = createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': body.length });
        response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}/clip.mp4`, bytes: body.length, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
