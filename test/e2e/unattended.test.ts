/**
 * What a schedule nobody watches depends on: a run whose every pin failed ends as failed (so the platform's failure
 * notifications fire), a refusal that retrying cannot fix is not retried, the row and the queue say the same, a
 * skipped duplicate takes no time slot, and every warning the run logged is in its OUTPUT record.
 */
import { stripVTControlCharacters } from 'node:util';

import { beforeEach, describe, expect, it } from 'vitest';

import { movableClock } from './fixture.js';
import { useAccount } from './use-account.js';
import { useWorld, WORLDS } from './worlds.js';

describe.each(WORLDS)('%s world', (worldName) => {
    const world = useWorld(worldName);
    const { now: clock, at } = movableClock();
    const NO_SUCH_BOARD = '700000000999999999';
    const account = useAccount({ username: 'unattended', now: clock });
    beforeEach(() => account.emulator.resetRequests());

    const pin = (title: string, extra: Record<string, unknown> = {}) => ({
        boardId: account.boardId,
        pinTitle: title,
        imageUrl: `https://example.com/${encodeURIComponent(title)}.jpg`,
        ...extra,
    });
    const create = (pins: unknown[], extra: Record<string, unknown> = {}) => ({
        mode: 'create-pin',
        accessToken: account.token,
        skipPreflight: true,
        pins,
        ...extra,
    });
    const publish = () => ({ mode: 'publish-scheduled', accessToken: account.token, skipPreflight: true });

    it('a publish-scheduled run whose every pin failed fails, with the first reason; a refusal is not retried, and list-scheduled agrees', async () => {
        const space = world.newSpace();
        const queued = await space.run({
            baseUrl: account.emulator.baseUrl,
            env: at('2026-05-04T08:00:00Z'),
            input: create([
                pin(`Gone board ${worldName} 1`, { boardId: NO_SUCH_BOARD, publishAt: '2026-05-04T09:00:00Z' }),
                pin(`Gone board ${worldName} 2`, { boardId: NO_SUCH_BOARD, publishAt: '2026-05-04T09:05:00Z' }),
            ]),
        });
        expect(queued.exitCode, queued.log).toBe(0);

        const run = await space.run({ baseUrl: account.emulator.baseUrl, payPerEvent: true, env: at('2026-05-04T10:00:00Z'), input: publish() });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toMatch(/^2 failed \(see each row's error\)\..*Pinterest could not find board 700000000999999999/);
        expect(run.items.map((item) => item.status)).toEqual(['failed', 'failed']);
        expect(run.charges).toEqual([]);

        // Failed for good at once: the board is gone, and trying again would change nothing.
        const listed = await space.run({
            baseUrl: account.emulator.baseUrl,
            env: at('2026-05-04T10:05:00Z'),
            input: { mode: 'list-scheduled', accessToken: account.token, skipPreflight: true },
        });
        expect(listed.items.map((item) => [item.status, item.attempts, item.nextAttemptAt])).toEqual([
            ['failed', 1, null],
            ['failed', 1, null],
        ]);
        expect(String(listed.items[0]!.lastError)).toMatch(/could not find board/);
        const later = await space.run({ baseUrl: account.emulator.baseUrl, env: at('2026-05-05T10:00:00Z'), input: publish() });
        expect(later.exitCode).toBe(0);
        expect(account.emulator.requestsTo('POST', '/v5/pins')).toHaveLength(2);
    });

    it('a pin that failed for a passing reason is told as will-retry, with when, and the queue says the same', async () => {
        const space = world.newSpace();
        await space.run({
            baseUrl: account.emulator.baseUrl,
            env: at('2026-05-06T08:00:00Z'),
            input: create([pin(`Flaky ${worldName}`, { publishAt: '2026-05-06T09:00:00Z' })]),
        });
        account.emulator.injectFault({ kind: 'rate-limit', match: { method: 'POST', path: '/v5/pins' }, resetSeconds: 3_600, times: 10 });
        const run = await space.run({ baseUrl: account.emulator.baseUrl, env: at('2026-05-06T10:00:00Z'), input: publish() });
        account.emulator.clearFaults();
        expect(run.exitCode).toBe(1);
        expect(run.items).toMatchObject([
            {
                status: 'will-retry',
                reason: expect.stringMatching(/^Attempt 1 of 3 failed; a publish-scheduled run after 2026-05-06T10:1\d:\d\dZ tries again\.$/),
            },
        ]);
        const listed = await space.run({
            baseUrl: account.emulator.baseUrl,
            env: at('2026-05-06T10:01:00Z'),
            input: { mode: 'list-scheduled', accessToken: account.token, skipPreflight: true },
        });
        expect(listed.items).toMatchObject([{ status: 'scheduled', attempts: 1, nextAttemptAt: expect.stringMatching(/^2026-05-06T10:1/) }]);
    });

    it('a skipped duplicate takes no time slot, and the next scheduled pin named is one really queued', async () => {
        const space = world.newSpace();
        const spacing = { timeSlots: ['09:00', '18:00'] };
        const first = await space.run({
            baseUrl: account.emulator.baseUrl,
            env: at('2026-05-10T07:00:00Z'),
            input: create([pin(`Slot A ${worldName}`)], { spacing }),
        });
        expect(first.items.map((item) => [item.status, item.publishAt])).toEqual([['scheduled', '2026-05-10T09:00:00Z']]);

        const again = await space.run({
            baseUrl: account.emulator.baseUrl,
            env: at('2026-05-10T07:05:00Z'),
            input: create([pin(`Slot A ${worldName}`), pin(`Slot B ${worldName}`)], { spacing }),
        });
        expect(again.items.map((item) => [item.status, item.publishAt])).toEqual([
            ['skipped-duplicate', '2026-05-10T09:00:00Z'],
            ['scheduled', '2026-05-10T18:00:00Z'],
        ]);
        expect(again.statusMessage).toBe('Scheduled 1 pin, skipped 1 duplicate. Next scheduled pin: 2026-05-10T18:00:00Z.');
    });

    it('the OUTPUT record lists every warning the run logged', async () => {
        const csv = ['Title,Media URL,Pinterest board,Keywords', `Warned ${worldName},https://example.com/w.jpg,unattended board,"a, b"`].join('\n');
        const run = await world.run({
            baseUrl: account.emulator.baseUrl,
            input: { mode: 'create-pin', accessToken: account.token, skipPreflight: true, pinsCsv: csv, favouriteColour: 'teal' },
        });
        expect(run.exitCode, run.log).toBe(0);
        const warnings = (run.record('OUTPUT') as { warnings: string[] }).warnings;
        expect(warnings).toEqual(
            expect.arrayContaining([
                expect.stringMatching(/no mode uses, ignored: favouriteColour/),
                expect.stringMatching(/Keywords column was ignored/),
            ]),
        );
        for (const warning of warnings) expect(run.log).toContain(warning);
    });

    it('the OUTPUT record lists the warnings of a late publish and of a cancel naming unknown IDs, and every WARN line is among them', async () => {
        const space = world.newSpace();
        const queued = await space.run({
            baseUrl: account.emulator.baseUrl,
            env: at('2026-05-20T08:00:00Z'),
            input: create([pin(`Late ${worldName}`, { publishAt: '2026-05-20T09:00:00Z' })]),
        });
        expect(queued.exitCode, queued.log).toBe(0);
        const late = await space.run({ baseUrl: account.emulator.baseUrl, env: at('2026-05-20T12:00:00Z'), input: publish() });
        const cancel = await space.run({
            baseUrl: account.emulator.baseUrl,
            env: at('2026-05-20T12:05:00Z'),
            input: { mode: 'cancel-scheduled', accessToken: account.token, skipPreflight: true, scheduleIds: ['0123456789abcdef0123'] },
        });
        for (const [run, expected] of [
            [late, /more than an hour late/],
            [cancel, /0123456789abcdef0123/],
        ] as const) {
            expect(run.exitCode, run.log).toBe(0);
            const warnings = (run.record('OUTPUT') as { warnings: string[] }).warnings;
            expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
            const logged = stripVTControlCharacters(run.log)
                .split('\n')
                .filter((line) => /^WARN\b/.test(line))
                .map((line) => line.replace(/^.*?\bWARN\s+/, '').trim());
            expect(logged.length).toBeGreaterThan(0);
            for (const line of logged) expect(warnings.some((warning) => warning.startsWith(line) || line.startsWith(warning))).toBe(true);
        }
    });
});

describe('a single pin', () => {
    const world = useWorld('local');
    const account = useAccount({ username: 'singlepin' });

    it('whose publishAt is not a real time fails the run with that reason, before any request', async () => {
        const run = await world.run({
            baseUrl: account.emulator.baseUrl,
            input: {
                mode: 'create-pin',
                accessToken: account.token,
                skipPreflight: true,
                boardId: account.boardId,
                pinTitle: 'Leap',
                imageUrl: 'https://example.com/l.jpg',
                publishAt: '2026-02-30T09:00',
            },
        });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toMatch(/^Invalid input: publishAt "2026-02-30T09:00" is not a real date and time: February 2026 has 28 days/);
        expect(account.emulator.requestsTo('POST', '/v5/pins')).toHaveLength(0);
    });

    it('says in the log which instant a wall-clock time in a clock change became', async () => {
        const run = await world.run({
            baseUrl: account.emulator.baseUrl,
            env: { ACTOR_TEST_NOW: '2026-03-01T08:00:00Z' },
            input: {
                mode: 'create-pin',
                accessToken: account.token,
                skipPreflight: true,
                boardId: account.boardId,
                pinTitle: 'Spring forward',
                imageUrl: 'https://example.com/s.jpg',
                publishAt: '2026-03-29T02:30',
                timeZone: 'Europe/Berlin',
                dryRun: true,
            },
        });
        expect(run.exitCode, run.log).toBe(0);
        expect(run.log).toContain(
            '2026-03-29T02:30 does not exist in Europe/Berlin (clocks go forward): scheduled at 2026-03-29 03:30 Europe/Berlin (UTC+02:00).',
        );
    });
});
