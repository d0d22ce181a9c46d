import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type FaultProxy, type Recorder, startFaultProxy, startRecorder } from './fault-server.js';
import { ALL_SCOPES } from './fixture.js';
import { useAccount } from './use-account.js';
import { type ActorRun, runActor, sumCharges } from './harness.js';

const account = useAccount({ username: 'hardy', pins: 30 });
let proxy: FaultProxy;
let recorder: Recorder;

beforeAll(async () => {
    account.emulator.state.createBoard(account.userId, { name: 'Second board' });
    proxy = await startFaultProxy(account.emulator.baseUrl);
    recorder = await startRecorder();
});

afterAll(async () => {
    await proxy.close();
    await recorder.close();
});

beforeEach(() => {
    proxy.clearRules();
    proxy.faulted.splice(0);
    recorder.requests.splice(0);
    account.emulator.clearFaults();
    account.emulator.resetRequests();
});

const occurrences = (text: string, part: string) => text.split(part).length - 1;

/** The one failure sentence appears once in everything the run printed. */
function expectPrintedOnce(run: ActorRun): void {
    expect(run.statusMessage).toBeTruthy();
    expect(occurrences(run.log, String(run.statusMessage))).toBe(1);
}

describe('credentials never leave the API origin', () => {
    it('a redirect from /user_account is not followed: the other host receives nothing, and the run says where it pointed', async () => {
        proxy.addRule({ path: '/v5/user_account', answer: { kind: 'redirect', status: 302, location: `${recorder.url}/collect?from=actor` } });
        const run = await runActor({ baseUrl: proxy.baseUrl, payPerEvent: true, input: { accessToken: account.token } });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toMatch(
            new RegExp(
                `^Pinterest answered user_account/get with a redirect \\(HTTP 302\\) to ${recorder.host.replace('.', '\\.')}, which the API never does`,
            ),
        );
        expect(run.statusMessage).not.toContain('collect');
        expect(recorder.requests).toEqual([]);
        expect(run.log).not.toContain(account.token);
    });

    it('a 307 from /oauth/token is not followed: no Basic header, no refresh token goes to the other host', async () => {
        const { refreshToken } = account.emulator.state.issueTokens({ userId: account.userId, appId: account.app.appId, scopes: ALL_SCOPES });
        proxy.addRule({ path: '/v5/oauth/token', answer: { kind: 'redirect', status: 307, location: `${recorder.url}/v5/oauth/token` } });
        const run = await runActor({ baseUrl: proxy.baseUrl, input: { refreshToken, appId: account.app.appId, appSecret: account.app.appSecret } });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toMatch(/^Pinterest answered oauth\/token with a redirect \(HTTP 307\)/);
        expect(recorder.requests).toEqual([]);
        expect(account.emulator.state.isRefreshTokenValid(refreshToken)).toBe(true);
    });
});

describe('impossible input fails before any request', () => {
    it('a 100,000-digit boardId', async () => {
        const run = await runActor({
            baseUrl: account.emulator.baseUrl,
            input: { mode: 'get-user-pins', accessToken: account.token, boardId: '7'.repeat(100_000) },
        });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toBe('Invalid input: boardId must be at most 20 digits, as Pinterest ids are');
        expect(account.emulator.requests).toEqual([]);
    });

    it('a token with a line break', async () => {
        const run = await runActor({ baseUrl: account.emulator.baseUrl, input: { accessToken: `${account.token}\r\nX-Injected: yes` } });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toBe(
            'Invalid input: accessToken must be one line of letters, digits and punctuation, without spaces or line breaks: copy it again',
        );
        expect(account.emulator.requests).toEqual([]);
    });

    it('a near miss of a field name, which would otherwise fetch and charge the whole account', async () => {
        const run = await runActor({
            baseUrl: account.emulator.baseUrl,
            payPerEvent: true,
            input: { mode: 'get-user-pins', accessToken: account.token, boardID: account.boardId },
        });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toBe('Invalid input: unknown field boardID: did you mean boardId?');
        expect(account.emulator.requests).toEqual([]);
        expect(run.charges).toEqual([]);
    });

    it('other unknown fields are named once in a warning, and the run goes on', async () => {
        const run = await runActor({
            baseUrl: account.emulator.baseUrl,
            input: { accessToken: account.token, skipPreflight: true, favouriteColour: 'teal' },
        });
        expect(run.exitCode).toBe(0);
        expect(occurrences(run.log, 'favouriteColour')).toBe(1);
        expect(run.log).toContain('The input has field no mode uses, ignored: favouriteColour.');
        expect(run.record('OUTPUT')).toMatchObject({
            warnings: ['The input has field no mode uses, ignored: favouriteColour.'],
        });
    });
});

describe('errors are classified by what happened and printed once', () => {
    it('a 200 HTML page is not the API, not a network problem', async () => {
        proxy.addRule({ path: '/v5/user_account', answer: { kind: 'html' } });
        const run = await runActor({ baseUrl: proxy.baseUrl, input: { accessToken: account.token } });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toMatch(/^Pinterest answered user_account\/get with something that is not the API's JSON \(HTTP 200, text\/html\)/);
        expectPrintedOnce(run);
    });

    it('input errors, API errors and refresh errors alike', async () => {
        const runs = [
            await runActor({ baseUrl: account.emulator.baseUrl, input: { mode: 'list-boards', maxItems: 0, accessToken: account.token } }),
            await runActor({ baseUrl: account.emulator.baseUrl, input: { accessToken: 'pina_not_a_real_token' } }),
            await runActor({
                baseUrl: account.emulator.baseUrl,
                input: { refreshToken: 'pinr_not_a_real_token', appId: account.app.appId, appSecret: account.app.appSecret },
            }),
        ];
        expect(runs.map((run) => run.exitCode)).toEqual([1, 1, 1]);
        for (const run of runs) expectPrintedOnce(run);
    });

    it('the connection log names the API actually used, not production', async () => {
        const run = await runActor({ baseUrl: account.emulator.baseUrl, input: { accessToken: account.token } });
        expect(run.log).toContain(` in ${account.emulator.baseUrl} (PINTEREST_API_BASE_URL, with production settings).`);
        expect(run.log).not.toMatch(/Connected to Pinterest as @hardy.* in production/);
    });
});

describe('waits are honoured and told', () => {
    it('a 503 with Retry-After is retried after the wait, which the log states', async () => {
        proxy.addRule({ path: `/v5/boards/${account.boardId}/pins`, times: 1, answer: { kind: 'retry-after', status: 503, retryAfter: '1' } });
        const run = await runActor({
            baseUrl: proxy.baseUrl,
            input: { mode: 'get-user-pins', accessToken: account.token, boardId: account.boardId, maxItems: 30, skipPreflight: true },
        });
        expect(run.exitCode).toBe(0);
        expect(run.items).toHaveLength(30);
        expect(run.log).toMatch(/Pinterest boards\/list_pins: HTTP 503 with Retry-After; retry 1 in 1\.0 s\./);
    });

    it('a 429 with Retry-After is waited out, not failed at once', async () => {
        proxy.addRule({ path: '/v5/boards', times: 1, answer: { kind: 'retry-after', status: 429, retryAfter: '1' } });
        const run = await runActor({ baseUrl: proxy.baseUrl, input: { accessToken: account.token, skipPreflight: true } });
        expect(run.exitCode).toBe(0);
        expect(run.log).toMatch(/Pinterest boards\/list: rate limited \(429\); retry 1 in 1\.\d s\./);
    });
});

describe('the status and the OUTPUT record say the same', () => {
    it('says when maxItems, not the list end, stopped it, and OUTPUT agrees', async () => {
        const run = await runActor({
            baseUrl: account.emulator.baseUrl,
            payPerEvent: true,
            input: { accessToken: account.token, maxItems: 1, skipPreflight: true },
        });
        expect(run.exitCode).toBe(0);
        expect(run.statusMessage).toBe('Fetched 1 board; the account has more: raise maxItems.');
        expect(run.record('OUTPUT')).toEqual({
            mode: 'list-boards',
            status: 'succeeded',
            statusMessage: run.statusMessage,
            summary: run.statusMessage,
            counts: { fetched: 1 },
            eventsCharged: { 'item-fetched': 1 },
            hasMore: true,
            warnings: [],
        });
        expect(sumCharges(run.charges, 'item-fetched')).toBe(1);
    });

    it('when the list ends there is nothing more to say', async () => {
        const run = await runActor({ baseUrl: account.emulator.baseUrl, input: { accessToken: account.token, maxItems: 10, skipPreflight: true } });
        expect(run.statusMessage).toBe('Fetched 2 boards.');
        expect(run.record('OUTPUT')).toMatchObject({ hasMore: false, statusMessage: 'Fetched 2 boards.' });
    });

    it('a failed run has an OUTPUT record with the same sentence', async () => {
        const run = await runActor({
            baseUrl: account.emulator.baseUrl,
            input: { mode: 'get-user-pins', accessToken: account.token, boardId: '999999999999999999' },
        });
        expect(run.exitCode).toBe(1);
        expect(run.record('OUTPUT')).toEqual({
            mode: 'get-user-pins',
            status: 'failed',
            statusMessage: run.statusMessage,
            error: run.statusMessage,
            eventsCharged: {},
            warnings: [],
        });
    });
});
