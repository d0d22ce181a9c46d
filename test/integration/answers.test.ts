/**
 * Answers the description allows that the emulator has no reason to give (it fills every field): the client reads
 * what it uses, fails only when that is missing, and says what Pinterest left out.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { PinterestClient, type SkipNotice } from '../../src/pinterest/client.js';
import type { LedgerEntry } from '../../src/publish/ledger.js';
import { reconcilePin } from '../../src/publish/reconcile.js';
import { failureOf } from './support.js';

let server: Server | undefined;

async function stop(): Promise<void> {
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
}

afterEach(stop);

/** A client against a server that answers `body` (status 200 unless given) to every request. */
async function answering(body: unknown, status = 200): Promise<{ api: PinterestClient; notices: SkipNotice[] }> {
    server = createServer((_request, response) => {
        response.writeHead(status, { 'content-type': 'application/json', 'x-pinterest-rid': 'rid-answers' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const notices: SkipNotice[] = [];
    const api = new PinterestClient({
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v5`,
        tokens: { getAccessToken: async () => 'pina_answers_token' },
        retry: { limit: 0 },
        onSkipped: (notice) => notices.push(notice),
    });
    return { api, notices };
}

const range = { startDate: '2025-06-01', endDate: '2025-06-03' };

describe('POST /media', () => {
    it('without upload_url fails with a sentence saying what Pinterest left out', async () => {
        const { api } = await answering({ media_id: '12345', media_type: 'video', upload_parameters: { key: 'k' } }, 201);
        const error = await failureOf(api.registerVideoUpload());
        expect(error.kind).toBe('incomplete-answer');
        expect(error.message).toBe("Pinterest's answer to media/create left out upload_url, which the video upload needs: try again later.");
    });

    it('without upload_parameters fails the same way; with both it is used whatever else is missing', async () => {
        const first = await answering({ media_id: '12345', upload_url: 'https://upload.example.com/' }, 201);
        expect((await failureOf(first.api.registerVideoUpload())).message).toMatch(/left out upload_parameters, which the video upload needs/);
        await stop();
        const second = await answering({ media_id: '12345', upload_url: 'https://upload.example.com/', upload_parameters: {} }, 201);
        expect(await second.api.registerVideoUpload()).toEqual({
            media_id: '12345',
            upload_url: 'https://upload.example.com/',
            upload_parameters: {},
        });
    });
});

describe('analytics', () => {
    it('multi-pin: a key that is not a requested pin is ignored, a requested pin without data is absent', async () => {
        const block = { all: { daily_metrics: [{ date: '2025-06-01', metrics: { IMPRESSION: 4 } }], summary_metrics: { IMPRESSION: 4 } } };
        const { api, notices } = await answering({ '111': block, '999': block, surprise: 'not metrics at all' });
        const answer = await api.getMultiPinAnalytics(['111', '222'], { ...range, metricTypes: ['IMPRESSION'] });
        expect(Object.keys(answer)).toEqual(['111']);
        expect(answer['111']?.all?.summary_metrics).toEqual({ IMPRESSION: 4 });
        expect(notices).toEqual([]);
    });

    it('account: a day without a date is left out, and the caller is told in one sentence', async () => {
        const { api, notices } = await answering({
            all: {
                daily_metrics: [
                    { date: '2025-06-01', data_status: 'READY', metrics: { IMPRESSION: 1 } },
                    { data_status: 'READY', metrics: { IMPRESSION: 2 } },
                ],
            },
        });
        const answer = await api.getAccountAnalytics(range);
        expect(answer.all?.daily_metrics?.map((day) => day.date)).toEqual(['2025-06-01']);
        expect(notices.map((notice) => notice.message)).toEqual([
            "Pinterest's answer to user_account/analytics held 1 day without a date, which the Actor cannot use; it was left out.",
        ]);
    });

    it('top pins: an entry without a pin_id is left out and told', async () => {
        const { api, notices } = await answering({ pins: [{ pin_id: '5', metrics: { IMPRESSION: 9 } }, { metrics: { IMPRESSION: 8 } }] });
        const top = await api.getTopPins({ ...range, sortBy: 'IMPRESSION' });
        expect(top.pins.map((pin) => pin.pin_id)).toEqual(['5']);
        expect(notices).toEqual([expect.objectContaining({ count: 1, message: expect.stringMatching(/1 top pin without a pin_id/) })]);
    });
});

describe('board sections', () => {
    it('a created section whose answer has no id fails saying so', async () => {
        const { api } = await answering({ name: 'Soups' }, 201);
        const error = await failureOf(api.createBoardSection('123', { name: 'Soups' }));
        expect(error.message).toBe(
            "Pinterest's answer to board_sections/create left out id, which the Actor needs to put pins in the new section: try again later.",
        );
    });

    it('a listed section without an id (the description requires only the name) is left out', async () => {
        const { api, notices } = await answering({ items: [{ name: 'No id' }, { id: '8', name: 'Kept' }], bookmark: null });
        const pages = [];
        for await (const page of api.listBoardSections('123', { maxItems: 10 })) pages.push(page);
        expect(pages).toEqual([{ items: [{ id: '8', name: 'Kept' }], nextBookmark: null, skipped: 1 }]);
        expect(notices).toHaveLength(1);
    });
});

describe('403 code 29', () => {
    it('is about Trial access only when Pinterest says so', async () => {
        const { api } = await answering({ code: 29, message: 'You are not permitted to access that resource.' }, 403);
        const error = await failureOf(api.savePin('1', { board_id: '2' }));
        expect(error.kind).toBe('missing-scope');
        expect(error.message).toContain('Pinterest said: "You are not permitted to access that resource."');
    });
});

describe('reconciliation with a board listing that holds an unreadable pin', () => {
    it('never takes the listing as proof that an unconfirmed pin is absent', async () => {
        const attemptStartedAt = Date.parse('2025-06-02T12:00:00Z');
        const listing = {
            items: [{ title: 'An entry without an id: it could be the pin' }, { id: '2', title: 'Newer pin', created_at: '2025-06-02T12:30:00' }],
            bookmark: null,
        };
        const { api } = await answering(listing);
        const entry: LedgerEntry = {
            version: 1,
            identity: 'content:x',
            environment: 'production',
            boardId: '1',
            title: 'The unconfirmed pin',
            description: null,
            link: null,
            mediaUrls: [],
            status: 'unconfirmed',
            runId: 'run',
            attempts: 1,
            attemptStartedAt,
        };
        const options = {
            now: () => attemptStartedAt + 3_600_000,
            sleep: async () => undefined,
            maxWaitMs: 0,
            attributedTo: async () => undefined,
            ledgerKey: 'pin-x',
        };
        expect(await reconcilePin(api, entry, options)).toMatchObject({ outcome: 'unsure' });
    });
});
