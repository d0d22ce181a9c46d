import { describe, expect, it } from 'vitest';

import { credentialsFromGrant } from '../../src/credentials/manager.js';
import { parseActorInput } from '../../src/modes/index.js';
import { labelState } from '../../src/modes/connect-account/run.js';
import { UserInputError } from '../../src/input/parse.js';
import { authorizationUrl, DEFAULT_SCOPES } from '../../src/pinterest/authorize.js';
import { PinterestError } from '../../src/pinterest/errors.js';
import { OPERATIONS } from '../../src/pinterest/operations.js';

const APP = { appId: '1234567', appSecret: 'app-secret-value' };
const CONNECT = { mode: 'connect-account', ...APP, redirectUri: 'https://agency.example.com/connected', label: 'client-a' };

function problemsOf(raw: Record<string, unknown>): string[] {
    try {
        parseActorInput(raw);
    } catch (error) {
        if (error instanceof UserInputError) return error.problems;
        throw error;
    }
    return [];
}

describe('connect-account input', () => {
    it('needs no Pinterest token, only the app, a redirect URI and a label', () => {
        expect(problemsOf(CONNECT)).toEqual([]);
        expect(problemsOf({ mode: 'connect-account' })).toEqual(['connect-account needs appId, appSecret, redirectUri, label']);
    });

    it('names each field and its limit before any request', () => {
        expect(problemsOf({ ...CONNECT, label: 'client a', redirectUri: 'http://agency.example.com/' })).toEqual([
            'redirectUri must be an https address (Pinterest accepts no other for a web app), such as https://agency.example.com/pinterest/connected',
            'label must be 1 to 40 letters, digits or hyphens, such as client-a',
        ]);
        expect(problemsOf({ ...CONNECT, label: 'a'.repeat(41) })).toEqual(['label must be 1 to 40 letters, digits or hyphens, such as client-a']);
        expect(problemsOf({ ...CONNECT, code: 'abc', authorizationResponseUrl: 'https://agency.example.com/connected?code=abc' })).toEqual([
            'give code or authorizationResponseUrl, not both',
        ]);
    });

    it('refuses a list of accounts, which it would not use: it connects one label at a time', () => {
        expect(problemsOf({ ...CONNECT, accounts: [{ label: 'client-b' }] })).toEqual([
            'accounts is not used by connect-account, which works with the app alone: remove it',
        ]);
    });

    it('does not echo a code it refuses', () => {
        const problems = problemsOf({ ...CONNECT, code: 'secret code with spaces' });
        expect(problems).toEqual(['code must be one line of letters and digits, without spaces: copy it again']);
        expect(problems.join(' ')).not.toContain('secret code');
    });
});

describe("the label's state", () => {
    const base = { environment: 'production' as const, ...APP, label: 'client-a' };

    it('is the same for one label, app and secret, whatever the case of the label, and differs otherwise', () => {
        expect(labelState(base)).toMatch(/^[0-9a-f]{32}$/);
        expect(labelState({ ...base, label: 'Client-A' })).toBe(labelState(base));
        for (const other of [{ label: 'client-b' }, { appId: '7654321' }, { appSecret: 'another-secret' }, { environment: 'sandbox' as const }]) {
            expect(labelState({ ...base, ...other })).not.toBe(labelState(base));
        }
    });

    it('goes into the consent URL with every scope the Actor uses', () => {
        const url = new URL(
            authorizationUrl({ appId: APP.appId, redirectUri: CONNECT.redirectUri, scopes: DEFAULT_SCOPES, state: labelState(base) }),
        );
        expect(url.origin + url.pathname).toBe('https://www.pinterest.com/oauth/');
        expect(url.searchParams.get('scope')?.split(',')).toEqual([...DEFAULT_SCOPES]);
        expect(url.searchParams.get('state')).toBe(labelState(base));
        expect(url.toString()).not.toContain(APP.appSecret);
    });
});

describe('a pair just granted', () => {
    it('becomes a credentials record with its expiry dates and scopes', () => {
        const now = Date.UTC(2026, 11, 1);
        const record = credentialsFromGrant(
            {
                access_token: 'pina_a',
                refresh_token: 'pinr_r',
                expires_in: 2_592_000,
                refresh_token_expires_in: 5_184_000,
                scope: 'boards:read pins:read',
            },
            { appId: APP.appId, environment: 'production', now },
        );
        expect(record).toEqual({
            version: 1,
            appId: APP.appId,
            environment: 'production',
            accessToken: 'pina_a',
            accessTokenExpiresAt: now + 2_592_000_000,
            refreshToken: 'pinr_r',
            refreshTokenExpiresAt: now + 5_184_000_000,
            scopes: ['boards:read', 'pins:read'],
            updatedAt: '2026-12-01T00:00:00.000Z',
        });
        expect(credentialsFromGrant({ access_token: 'pina_a' }, { appId: APP.appId, environment: 'production', now })).toBeUndefined();
    });
});

describe('refusals in one sentence', () => {
    it('says why an authorization code was refused, as far as Pinterest says', () => {
        const refused = (apiMessage?: string) =>
            new PinterestError({ kind: 'code-rejected', operation: OPERATIONS.oauthToken, status: 400, code: 1, apiMessage }).message;
        expect(refused('Invalid authorization code: redirect_uri mismatch.')).toMatch(/because redirectUri is not the address/);
        expect(refused('Invalid authorization code: already used.')).toMatch(/because it was already used/);
        expect(refused('Invalid authorization code: expired.')).toMatch(/because it has expired/);
        expect(refused()).toMatch(/^Pinterest refused the authorization code \(used already, expired, or issued to another app or redirectUri\)/);
    });

    it('names the role Business Access needs, for writes and for reads', () => {
        const refused = (operation: (typeof OPERATIONS)[keyof typeof OPERATIONS]) =>
            new PinterestError({ kind: 'ad-account-refused', operation, status: 403, code: 29, adAccountId: '549755885175' }).message;
        expect(refused(OPERATIONS.createPin)).toContain('creating pins needs the Admin or Campaign manager role');
        expect(refused(OPERATIONS.deletePin)).toContain('deleting pins needs the Admin or Campaign manager role');
        expect(refused(OPERATIONS.getAccountAnalytics)).toContain('reading analytics needs the Analyst, Campaign manager or Admin role');
        expect(refused(OPERATIONS.listBoards)).toContain('ad account 549755885175 (Business Access)');
    });

    it('names the role the caller has, when Pinterest said it', () => {
        const refused = new PinterestError({
            kind: 'ad-account-refused',
            operation: OPERATIONS.createPin,
            status: 403,
            code: 29,
            adAccountId: '549755885175',
        }).withDetails({ roles: ['ANALYST', 'FINANCE_VIEW', 'FINANCE_EDIT'] });
        expect(refused.message).toBe(
            "Pinterest refused creating pins on ad account 549755885175 (Business Access): your role on that ad account is Analyst and Finance, which does not allow it; creating pins needs the Admin or Campaign manager role: ask the ad account's owner to give it to you in Business Manager, or check adAccountId.",
        );
        expect(refused).toMatchObject({ kind: 'ad-account-refused', status: 403, code: 29, adAccountId: '549755885175' });
    });

    it('says which exchange the app credentials were refused in', () => {
        const refused = (grantType: string) =>
            new PinterestError({ kind: 'app-credentials-rejected', operation: OPERATIONS.oauthToken, status: 401, grantType }).message;
        expect(refused('authorization_code')).toMatch(/while exchanging the authorization code/);
        expect(refused('refresh_token')).toMatch(/while refreshing the token/);
    });
});
