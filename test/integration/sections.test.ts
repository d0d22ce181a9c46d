/**
 * Board sections by name (BoardDirectory.resolveSection) against the emulator with the real client: matched
 * ignoring case and surrounding spaces, each board's sections listed once per run page by page, a missing one
 * created once however many pins name it, an unknown one failed with the closest names.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { BoardDirectory } from '../../src/publish/boards.js';
import { useAccount } from '../e2e/use-account.js';
import { recordingClient } from './support.js';

const account = useAccount({ username: 'sections' });

beforeAll(async () => {
    for (const name of ['Breakfast', 'Desserts', '  Quick Dinners ']) account.emulator.state.createBoardSection(account.boardId, name);
});

beforeEach(() => {
    account.emulator.clearFaults();
    account.emulator.resetRequests();
    account.emulator.resetRateLimits();
});

const directory = (options: { createMissingSections?: boolean; dryRun?: boolean } = {}) =>
    new BoardDirectory(recordingClient({ baseUrl: account.emulator.baseUrl, tokens: { getAccessToken: async () => account.token } }).api, {
        createMissing: false,
        createMissingSections: options.createMissingSections ?? false,
        dryRun: options.dryRun ?? false,
    });
const sectionLists = (board = account.boardId) => account.emulator.requestsTo('GET', `/v5/boards/${board}/sections`);
const sectionId = (name: string, board = account.boardId) => account.emulator.state.sectionsOf(board).find((section) => section.name === name)?.id;

describe('sections by name', () => {
    it('match ignoring case and surrounding spaces, with one listing per board however many pins ask', async () => {
        const boards = directory();
        const lookups = await Promise.all(
            [' breakfast', 'DESSERTS ', 'quick dinners', 'Breakfast'].map((name) => boards.resolveSection(account.boardId, name)),
        );
        expect(lookups).toEqual([
            { ok: true, sectionId: sectionId('Breakfast') },
            { ok: true, sectionId: sectionId('Desserts') },
            { ok: true, sectionId: sectionId('  Quick Dinners ') },
            { ok: true, sectionId: sectionId('Breakfast') },
        ]);
        expect(sectionLists()).toHaveLength(1);
    });

    it('fail a pin naming an unknown section with the closest names the board has', async () => {
        expect(await directory().resolveSection(account.boardId, 'Desert')).toEqual({
            ok: false,
            problem: `boardSectionName "Desert" is not a section of board ${account.boardId} (closest: "Desserts", "Breakfast", "  Quick Dinners "): fix the name, or set createMissingSections to true to create it`,
        });
        const empty = account.emulator.state.createBoard(account.userId, { name: 'No sections' }).id;
        expect(await directory().resolveSection(empty, 'Any')).toMatchObject({
            ok: false,
            problem: expect.stringContaining('(the board has no sections yet)'),
        });
    });

    it('are listed page by page past the API’s page size', async () => {
        const big = account.emulator.state.createBoard(account.userId, { name: 'Many sections' }).id;
        for (let index = 1; index <= 260; index += 1) account.emulator.state.createBoardSection(big, `Section ${index}`);
        expect(await directory().resolveSection(big, 'section 260')).toEqual({ ok: true, sectionId: sectionId('Section 260', big) });
        expect(sectionLists(big).map((request) => request.query.page_size)).toEqual(['250', '250']);
    });

    it('create a missing section once, however many pins name it at the same time', async () => {
        const board = account.emulator.state.createBoard(account.userId, { name: 'Fresh board' }).id;
        const boards = directory({ createMissingSections: true });
        const lookups = await Promise.all(['Brunch', ' brunch ', 'BRUNCH'].map((name) => boards.resolveSection(board, name)));
        const created = account.emulator.state.sectionsOf(board);
        expect(created).toEqual([{ id: expect.any(String), name: 'Brunch' }]);
        expect(lookups).toEqual(Array.from({ length: 3 }, () => ({ ok: true, sectionId: created[0]!.id, created: true })));
        expect(account.emulator.requestsTo('POST', `/v5/boards/${board}/sections`)).toHaveLength(1);
        // Found by name afterwards without another request.
        expect(await boards.resolveSection(board, 'brunch')).toEqual({ ok: true, sectionId: created[0]!.id });
        expect(sectionLists(board)).toHaveLength(1);
    });

    it('find a section whose creation went unanswered on the board instead of creating it again', async () => {
        const board = account.emulator.state.createBoard(account.userId, { name: 'Flaky board' }).id;
        account.emulator.injectFault({ kind: 'drop-after-commit', match: { method: 'POST', path: `/v5/boards/${board}/sections` } });
        const lookup = await directory({ createMissingSections: true }).resolveSection(board, 'Lunch');
        expect(lookup).toEqual({ ok: true, sectionId: sectionId('Lunch', board), created: true });
        expect(account.emulator.state.sectionsOf(board)).toHaveLength(1);
        expect(account.emulator.requestsTo('POST', `/v5/boards/${board}/sections`)).toHaveLength(1);
    });

    it('in a dry run, create nothing and stand in for a section that would be created', async () => {
        const boards = directory({ createMissingSections: true, dryRun: true });
        expect(await boards.resolveSection(account.boardId, 'Would be new')).toEqual({ ok: true, sectionId: 'new', created: true });
        expect(await boards.resolveSection('new', 'On a new board')).toEqual({ ok: true, sectionId: 'new', created: true });
        expect(account.emulator.requestsTo('POST', `/v5/boards/${account.boardId}/sections`)).toHaveLength(0);
    });
});
