import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { PinterestEmulator } from '../emulator/index.js';
import { movableClock, startWithAccount } from './fixture.js';
import { useWorld, WORLDS } from './worlds.js';

/**
 * update-scheduled end to end in both worlds: a waiting pin's text, link and time change before it goes out, a
 * dry run shows the same changes and writes nothing, a published pin is refused with the reason, and a change of
 * content moves the pin to its new identity: the old content may be queued again, the new one is not queued twice,
 * and what goes out is the changed pin, once.
 */
describe.each(WORLDS)('update-scheduled (%s)', (worldName) => {
    const world = useWorld(worldName);
    let emulator: PinterestEmulator;
    let token: string;
    let boardId: string;
    let otherBoardId: string;
    const { now: clock, at } = movableClock();

    beforeAll(async () => {
        const account = await startWithAccount({ username: 'editor', now: clock, boardNames: ['Bakery', 'Desserts'] });
        ({ emulator, token, boardId } = account);
        otherBoardId = account.boards.Desserts!;
    });
    afterAll(async () => emulator.close());
    beforeEach(() => emulator.resetRequests());

    const mode = (name: string, extra: Record<string, unknown> = {}) => ({ mode: name, accessToken: token, skipPreflight: true, ...extra });
    const tart = () => ({
        boardId,
        pinTitle: 'Lemon tarte',
        imageUrl: `https://example.com/tart-${worldName}.jpg`,
        linkUrl: 'https://shop.example/tart',
    });
    const posted = () => emulator.requestsTo('POST', '/v5/pins').map((request) => request.body as Record<string, unknown>);

    it('changes a waiting pin (dry run first), refuses a published one, and publishes the changed pin once', async () => {
        const space = world.newSpace();
        const run = (input: unknown, iso: string) => space.run({ baseUrl: emulator.baseUrl, payPerEvent: true, env: at(iso), input });
        const queued = await run(
            mode('create-pin', {
                pins: [
                    { ...tart(), publishAt: '2026-10-02T09:00:00Z' },
                    { boardId, pinTitle: 'Goes first', imageUrl: `https://example.com/first-${worldName}.jpg`, publishAt: '2026-10-01T09:00:00Z' },
                ],
            }),
            '2026-10-01T08:00:00Z',
        );
        expect(queued.exitCode, queued.log).toBe(0);
        const [waitingId, publishedId] = queued.items.map((item) => item.scheduleId as string);
        const first = await run(mode('publish-scheduled'), '2026-10-01T09:05:00Z');
        expect(first.items.map((item) => item.status)).toEqual(['created']);

        const edit = {
            scheduleIds: [waitingId, publishedId],
            changes: { pinTitle: 'Lemon tart', setQueryParams: { utm_source: 'pinterest' }, boardName: 'desserts' },
            newPublishAt: '2026-10-03T11:00:00+02:00',
        };
        const queueBefore = space.namedStore('pinterest-pin-queue');
        const dry = await run(mode('update-scheduled', { ...edit, dryRun: true }), '2026-10-01T10:00:00Z');
        expect(dry.exitCode, dry.log).toBe(0);
        const changes = {
            pinTitle: { before: 'Lemon tarte', after: 'Lemon tart' },
            linkUrl: { before: 'https://shop.example/tart', after: 'https://shop.example/tart?utm_source=pinterest' },
            boardId: { before: boardId, after: otherBoardId },
            publishAt: { before: '2026-10-02T09:00:00Z', after: '2026-10-03T09:00:00Z' },
        };
        expect(dry.items.map((item) => [item.scheduleId, item.status, item.changes])).toEqual([
            [waitingId, 'would-update', changes],
            [publishedId, 'refused', {}],
        ]);
        expect(dry.items[1]!.reason).toBe(`It was already published (pin ${first.items[0]!.id}): edit it with update-pins instead.`);
        expect(space.namedStore('pinterest-pin-queue')).toEqual(queueBefore);

        const updated = await run(mode('update-scheduled', edit), '2026-10-01T10:05:00Z');
        expect(updated.exitCode, updated.log).toBe(0);
        expect(updated.items.map((item) => [item.status, item.changes, item.publishAt])).toEqual([
            ['updated', changes, '2026-10-03T09:00:00Z'],
            ['refused', {}, '2026-10-01T09:00:00Z'],
        ]);
        expect(updated.statusMessage).toBe("Updated 1 queued pin, 1 refused (see each row's reason) (@editor).");
        expect(updated.charges).toEqual([]);
        // The content changed, so the pin's identity did: it moved to a new schedule id, the old one is history.
        const newId = updated.items[0]!.newScheduleId as string;
        expect(newId).toMatch(/^[a-f0-9]{20}$/);
        expect(newId).not.toBe(waitingId);
        expect(dry.items[0]!.newScheduleId).toBe(newId);

        // Only the alt text: the identity stays, and so does the schedule id.
        const alt = await run(
            mode('update-scheduled', { scheduleIds: [newId], changes: { altText: 'A lemon tart on a plate' } }),
            '2026-10-01T10:10:00Z',
        );
        expect(alt.items.map((item) => [item.status, item.newScheduleId, item.changes])).toEqual([
            ['updated', newId, { altText: { before: null, after: 'A lemon tart on a plate' } }],
        ]);
        const again = await run(
            mode('update-scheduled', { scheduleIds: [newId], changes: { altText: 'A lemon tart on a plate' } }),
            '2026-10-01T10:11:00Z',
        );
        expect(again.items.map((item) => item.status)).toEqual(['unchanged']);

        const listed = await run(mode('list-scheduled'), '2026-10-01T10:15:00Z');
        expect(listed.items.map((item) => [item.scheduleId, item.status, item.title])).toEqual([
            [newId, 'scheduled', 'Lemon tart'],
            [waitingId, 'cancelled', 'Lemon tarte'],
            [publishedId, 'published', 'Goes first'],
        ]);

        // The old content may be queued again (the old identity blocks nothing); the new content is not queued twice.
        const requeued = await run(
            mode('create-pin', {
                pins: [
                    { ...tart(), publishAt: '2026-10-02T12:00:00Z' },
                    {
                        ...tart(),
                        boardId: otherBoardId,
                        pinTitle: 'Lemon tart',
                        linkUrl: 'https://shop.example/tart?utm_source=pinterest',
                        publishAt: '2026-10-04T09:00:00Z',
                    },
                ],
            }),
            '2026-10-01T10:20:00Z',
        );
        expect(requeued.items.map((item) => [item.status, item.scheduleId])).toEqual([
            ['scheduled', waitingId],
            ['skipped-duplicate', newId],
        ]);

        const due = await run(mode('publish-scheduled'), '2026-10-03T09:05:00Z');
        expect(due.exitCode, due.log).toBe(0);
        expect(due.items.map((item) => [item.title, item.status])).toEqual([
            ['Lemon tarte', 'created'],
            ['Lemon tart', 'created'],
        ]);
        expect(
            posted()
                .slice(1)
                .map((body) => [body.title, body.link, body.board_id, body.alt_text ?? null]),
        ).toEqual([
            ['Lemon tarte', 'https://shop.example/tart', boardId, null],
            ['Lemon tart', 'https://shop.example/tart?utm_source=pinterest', otherBoardId, 'A lemon tart on a plate'],
        ]);
    });

    it('refuses ids that are not in the queue and input that changes nothing, before any request', async () => {
        const refused = await world.run({ baseUrl: emulator.baseUrl, input: mode('update-scheduled', { scheduleIds: ['3f9a0c2e71b84d5e9a10'] }) });
        expect(refused.exitCode).not.toBe(0);
        expect(refused.statusMessage).toContain('update-scheduled needs something to change: changes, newPublishAt or both');
        expect(emulator.requests).toEqual([]);

        const unknown = await world.run({
            baseUrl: emulator.baseUrl,
            input: mode('update-scheduled', { scheduleIds: ['3f9a0c2e71b84d5e9a10'], changes: { pinTitel: 'x' } }),
        });
        expect(unknown.exitCode).not.toBe(0);
        expect(unknown.statusMessage).toContain('unknown field changes.pinTitel: did you mean pinTitle?');

        const missing = await world.run({
            baseUrl: emulator.baseUrl,
            env: at('2026-10-01T08:00:00Z'),
            input: mode('update-scheduled', { scheduleIds: ['3f9a0c2e71b84d5e9a10'], newPublishAt: '2026-10-05T09:00:00Z' }),
        });
        expect(missing.exitCode, missing.log).toBe(0);
        expect(missing.items.map((item) => item.status)).toEqual(['not-found']);
    });
});
