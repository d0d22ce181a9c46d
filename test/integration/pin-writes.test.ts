/**
 * The client's pin writes beyond creation (update, delete, save) and board sections, against the emulator: retry
 * safety follows the operation (idempotent or not), never the HTTP method.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { PinterestClientOptions } from '../../src/pinterest/client.js';
import { useAccount } from '../e2e/use-account.js';
import { failureOf, recordingClient } from './support.js';

const account = useAccount({ username: 'pinwriter' });
let appId: string;

beforeAll(async () => {
    appId = account.app.appId;
});

beforeEach(() => {
    account.emulator.clearFaults();
    account.emulator.resetRequests();
    account.emulator.resetRateLimits();
});

const client = (overrides: Partial<PinterestClientOptions> = {}) => {
    const { api, waits, retries } = recordingClient({
        baseUrl: account.emulator.baseUrl,
        tokens: { getAccessToken: async () => account.token },
        ...overrides,
    });
    return { api, waits, notices: retries };
};

const onePin = (title = 'A pin') => account.emulator.state.createPins(account.boardId, 1, { title })[0]!;

describe('idempotent writes back off and retry', () => {
    it('a DELETE that meets a 429 with a one-second reset waits for the reset and deletes the pin', async () => {
        const pin = onePin();
        account.emulator.injectFault({ kind: 'rate-limit', resetSeconds: 1, match: { method: 'DELETE', path: `/pins/${pin.id}` } });
        const { api, waits, notices } = client();
        await api.deletePin(pin.id);
        expect(account.emulator.state.getPin(pin.id)).toBeUndefined();
        expect(account.emulator.requestsTo('DELETE', `/pins/${pin.id}`).map((request) => request.status)).toEqual([429, 204]);
        expect(waits).toContain(1000);
        expect(notices).toEqual([expect.objectContaining({ retry: 1, delayMs: 1000, reason: 'rate limited (429)' })]);
    });

    it('a PATCH that meets a 429 with a one-second reset waits for the reset and updates the pin', async () => {
        const pin = onePin();
        account.emulator.injectFault({ kind: 'rate-limit', resetSeconds: 1, match: { method: 'PATCH', path: `/pins/${pin.id}` } });
        const { api, waits } = client();
        const updated = await api.updatePin(pin.id, { title: 'After the wait' });
        expect(updated).toMatchObject({ id: pin.id, title: 'After the wait' });
        expect(account.emulator.requestsTo('PATCH', `/pins/${pin.id}`).map((request) => request.status)).toEqual([429, 200]);
        expect(waits).toContain(1000);
    });

    it('a PATCH that meets a 5xx is retried, and one that went through before the 5xx is simply set again', async () => {
        const pin = onePin();
        account.emulator.injectFault({ kind: 'server-error', status: 503, match: { method: 'PATCH', path: `/pins/${pin.id}` } });
        account.emulator.injectFault({ kind: 'server-error-after-commit', status: 500, match: { method: 'PATCH', path: `/pins/${pin.id}` } });
        const { api, notices } = client();
        const updated = await api.updatePin(pin.id, { description: 'Set once, whatever the retries' });
        expect(updated.description).toBe('Set once, whatever the retries');
        expect(account.emulator.requestsTo('PATCH', `/pins/${pin.id}`).map((request) => request.status)).toEqual([503, 500, 200]);
        expect(notices.map((notice) => notice.reason)).toEqual(['HTTP 503', 'HTTP 500']);
    });

    it('a DELETE whose answer is lost is retried; the 404 of the retry means the first attempt deleted the pin', async () => {
        const pin = onePin();
        account.emulator.injectFault({ kind: 'drop-after-commit', match: { method: 'DELETE', path: `/pins/${pin.id}` } });
        await client().api.deletePin(pin.id);
        expect(account.emulator.requestsTo('DELETE', `/pins/${pin.id}`).map((request) => request.status)).toEqual(['dropped', 404]);
    });

    it('a DELETE of a pin that is not there fails at once, naming it', async () => {
        const error = await failureOf(client().api.deletePin('999999999999'));
        expect(error.kind).toBe('not-found');
        expect(error.message).toMatch(/^Pinterest could not find pin 999999999999/);
        expect(account.emulator.requestsTo('DELETE', '/pins/999999999999')).toHaveLength(1);
    });
});

describe('saving a pin is not repeated once Pinterest may have acted', () => {
    it('a POST /pins/{id}/save answered 5xx is outcome-unknown and sent once, though the pin exists', async () => {
        const pin = onePin('Saved once');
        const target = account.emulator.state.createBoard(account.userId, { name: 'Save target' }).id;
        account.emulator.injectFault({ kind: 'server-error-after-commit', status: 502, match: { method: 'POST', path: `/pins/${pin.id}/save` } });
        const { api, notices } = client();
        const error = await failureOf(api.savePin(pin.id, { board_id: target }));
        expect(error.kind).toBe('outcome-unknown');
        expect(error.outcomeUnknown).toBe(true);
        expect(error.message).toMatch(
            `Pinterest did not confirm whether the pin was saved on board ${target} (HTTP 502) and the Actor did not retry, to avoid doing it twice: check the board before saving it again (Pinterest request id: `,
        );
        expect(account.emulator.requestsTo('POST', `/pins/${pin.id}/save`)).toHaveLength(1);
        expect(notices).toEqual([]);
        expect(account.emulator.state.listPinsOfBoard(target).map((saved) => saved.parent_pin_id)).toEqual([pin.id]);
    });

    it('a save that meets a 429 is retried: Pinterest did nothing', async () => {
        const pin = onePin('Saved after a 429');
        const target = account.emulator.state.createBoard(account.userId, { name: 'Save after 429' }).id;
        account.emulator.injectFault({ kind: 'rate-limit', resetSeconds: 1, match: { method: 'POST', path: `/pins/${pin.id}/save` } });
        const saved = await client().api.savePin(pin.id, { board_id: target });
        expect(saved).toMatchObject({ board_id: target, parent_pin_id: pin.id });
        expect(account.emulator.requestsTo('POST', `/pins/${pin.id}/save`).map((request) => request.status)).toEqual([429, 201]);
        expect(account.emulator.state.listPinsOfBoard(target)).toHaveLength(1);
    });

    it('saves into a section and returns the new pin', async () => {
        const pin = onePin('Into a section');
        const target = account.emulator.state.createBoard(account.userId, { name: 'Sectioned target' }).id;
        const section = await client().api.createBoardSection(target, { name: 'Best' });
        const saved = await client().api.savePin(pin.id, { board_id: target, board_section_id: section.id });
        expect(saved).toMatchObject({ board_id: target, board_section_id: section.id, title: 'Into a section' });
        expect(saved.id).not.toBe(pin.id);
    });
});

describe('updating a pin', () => {
    it('an app without access to the beta is told so in one sentence, and nothing is retried', async () => {
        const pin = onePin();
        account.emulator.state.pinUpdateDeniedApps.add(appId);
        try {
            const error = await failureOf(client().api.updatePin(pin.id, { title: 'Not allowed' }));
            expect(error).toMatchObject({ kind: 'missing-scope', status: 401, code: 3 });
            expect(error.message).toMatch(
                /^Pinterest did not allow pins\/update, which is in beta and not available to all apps: ask Pinterest for access for your app at developers\.pinterest\.com, or, if the token lacks one of the scopes boards:read, boards:write, pins:read, pins:write, authorise your app again with them\./,
            );
            expect(account.emulator.requestsTo('PATCH', `/pins/${pin.id}`)).toHaveLength(1);
        } finally {
            account.emulator.state.pinUpdateDeniedApps.delete(appId);
        }
    });

    it('moves a pin out of its section with null, and refuses a too long title before any request', async () => {
        const board = account.emulator.state.createBoard(account.userId, { name: 'Section moves' }).id;
        const section = account.emulator.state.createBoardSection(board, 'Temporary');
        const pin = account.emulator.state.createPins(board, 1)[0]!;
        const api = client().api;
        expect(await api.updatePin(pin.id, { board_section_id: section.id })).toMatchObject({ board_section_id: section.id });
        expect(await api.updatePin(pin.id, { board_section_id: null })).toMatchObject({ board_section_id: null });
        await expect(api.updatePin(pin.id, { title: 'x'.repeat(101) })).rejects.toThrow();
        expect(account.emulator.requestsTo('PATCH', `/pins/${pin.id}`)).toHaveLength(2);
    });
});

describe('board sections', () => {
    it('lists 260 sections in two requests of page_size 250, though the API pages by 25 by default', async () => {
        const board = account.emulator.state.createBoard(account.userId, { name: 'Many sections' }).id;
        for (let n = 1; n <= 260; n++) account.emulator.state.createBoardSection(board, `Section ${n}`);
        const api = client().api;
        const names: string[] = [];
        for await (const page of api.listBoardSections(board, { maxItems: 1000 })) names.push(...page.items.map((section) => section.name));
        expect(names).toHaveLength(260);
        expect(names.at(-1)).toBe('Section 260');
        expect(account.emulator.requestsTo('GET', `/boards/${board}/sections`).map((request) => request.query.page_size)).toEqual(['250', '250']);
    });

    it('creates a section; a duplicate name is a bad request, not an unknown outcome', async () => {
        const board = account.emulator.state.createBoard(account.userId, { name: 'Section create' }).id;
        const api = client().api;
        const section = await api.createBoardSection(board, { name: 'Soups' });
        expect(section).toEqual({ id: expect.stringMatching(/^\d+$/), name: 'Soups' });
        const error = await failureOf(api.createBoardSection(board, { name: 'soups' }));
        expect(error.kind).toBe('bad-request');
        expect(account.emulator.state.sectionsOf(board)).toHaveLength(1);
    });
});

const withoutRequestId = (message: string) => message.replace(/ \(Pinterest request id: \d+\)/, '');

describe('ad_account_id (Business Access)', () => {
    it('is sent with every operation that takes it, and not with the media ones', async () => {
        const { api } = client({ adAccountId: '549755885175' });
        const error = await failureOf(api.getUserAccount());
        expect(account.emulator.requestsTo('GET', '/user_account')[0]?.query).toEqual({ ad_account_id: '549755885175' });
        // No such ad account: Pinterest's refusal is about Business Access, not scopes or Trial.
        expect(error).toMatchObject({ kind: 'ad-account-refused', status: 403, code: 403, adAccountId: '549755885175' });
        expect(withoutRequestId(error.message)).toBe(
            "Pinterest refused reading the account on ad account 549755885175 (Business Access): your Pinterest account has no role on that ad account that allows it; reading the account needs the Analyst, Campaign manager or Admin role: ask the ad account's owner to give it to you in Business Manager, or check adAccountId.",
        );
        await failureOf(
            (async () => {
                for await (const page of api.listBoards({ maxItems: 5 })) void page;
            })(),
        );
        expect(account.emulator.requestsTo('GET', '/boards')[0]?.query).toEqual({ page_size: '5', ad_account_id: '549755885175' });
        await failureOf(api.getMedia('895000000000000001'));
        expect(account.emulator.requestsTo('GET', '/media/895000000000000001')[0]?.query).toEqual({});
    });

    it("acts on the owner's account with a role that allows it, and names the role needed when it does not", async () => {
        const { state } = account.emulator;
        const owner = state.createUser({ username: 'adaccount_owner' });
        const adAccountId = state.createAdAccount(owner.id).id;
        const ownerBoard = state.createBoard(owner.id, { name: 'Owner board' }).id;
        state.grantBusinessAccess(adAccountId, account.userId, ['ANALYST']);
        const { api } = client({ adAccountId });
        expect((await api.getUserAccount()).account.username).toBe('adaccount_owner');
        const pin = {
            board_id: ownerBoard,
            title: 'Not allowed',
            media_source: { source_type: 'image_url' as const, url: 'https://example.com/a.jpg' },
        };
        const refused = await failureOf(api.createPin(pin));
        expect(refused).toMatchObject({ kind: 'ad-account-refused', status: 403, code: 29 });
        expect(withoutRequestId(refused.message)).toBe(
            `Pinterest refused creating pins on ad account ${adAccountId} (Business Access): your role on that ad account does not allow it (an Analyst only views); creating pins needs the Admin or Campaign manager role: ask the ad account's owner to give it to you in Business Manager, or check adAccountId.`,
        );
        // A token that may read ad accounts (ads:read) also learns, and says, which role it has there.
        const withAds = state.issueTokens({
            userId: account.userId,
            appId: account.app.appId,
            scopes: ['boards:read', 'boards:write', 'pins:read', 'pins:write', 'ads:read'],
        });
        const named = await failureOf(client({ adAccountId, tokens: { getAccessToken: async () => withAds.accessToken } }).api.createPin(pin));
        expect(withoutRequestId(named.message)).toBe(
            `Pinterest refused creating pins on ad account ${adAccountId} (Business Access): your role on that ad account is Analyst, which does not allow it; creating pins needs the Admin or Campaign manager role: ask the ad account's owner to give it to you in Business Manager, or check adAccountId.`,
        );
        state.grantBusinessAccess(adAccountId, account.userId, ['CAMPAIGN_MANAGER']);
        const created = await api.createPin(pin);
        expect(state.getPin(created.id)?.board_owner.username).toBe('adaccount_owner');
    });

    it('must be an ad account id', () => {
        expect(() => client({ adAccountId: 'act_123' })).toThrow('adAccountId must be the ad account\'s id, 1 to 18 digits, not "act_123".');
    });
});
