import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AUTHORIZE_URL, DEFAULT_SCOPES, runAuthorizationFlow } from '../../src/auth/flow.js';
import { type PinterestEmulator, startEmulator } from '../emulator/index.js';

let emulator: PinterestEmulator;
let app: { appId: string; appSecret: string };
let userId: string;

beforeAll(async () => {
    emulator = await startEmulator();
    app = emulator.state.createApp({});
    userId = emulator.state.createUser({ username: 'authorizer' }).id;
});

afterAll(async () => emulator.close());

/** Plays the browser: Pinterest's consent page redirects to the local URI with a code (or an error). */
function consent(answer: (authorize: URL) => Record<string, string>) {
    return (url: string) => {
        const authorize = new URL(url);
        const redirect = new URL(String(authorize.searchParams.get('redirect_uri')));
        redirect.hostname = '127.0.0.1';
        for (const [key, value] of Object.entries(answer(authorize))) redirect.searchParams.set(key, value);
        void fetch(redirect);
    };
}

describe('npm run auth flow', () => {
    it('sends the user to Pinterest with the right parameters and exchanges the code for tokens', async () => {
        let seen: URL | undefined;
        const tokens = await runAuthorizationFlow({
            app,
            apiBaseUrl: emulator.baseUrl,
            port: 0,
            onAuthorizeUrl: consent((authorize) => {
                seen = authorize;
                const code = emulator.state.mintAuthorizationCode({
                    appId: app.appId,
                    userId,
                    scopes: String(authorize.searchParams.get('scope')).split(','),
                    redirectUri: String(authorize.searchParams.get('redirect_uri')),
                });
                return { code, state: String(authorize.searchParams.get('state')) };
            }),
        });

        expect(`${seen?.origin}${seen?.pathname}`).toBe(AUTHORIZE_URL);
        expect(seen?.searchParams.get('client_id')).toBe(app.appId);
        expect(seen?.searchParams.get('response_type')).toBe('code');
        expect(seen?.searchParams.get('scope')).toBe(DEFAULT_SCOPES.join(','));
        expect(seen?.searchParams.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+\/$/);
        expect(tokens.access_token).toMatch(/^pina_/);
        expect(tokens.refresh_token).toMatch(/^pinr_/);
        expect(emulator.state.isAccessTokenValid(tokens.access_token)).toBe(true);
        expect(emulator.state.isRefreshTokenValid(String(tokens.refresh_token))).toBe(true);
        // Apps created before 2025-09-25 only get rotating refresh tokens when they ask for them.
        expect(emulator.requestsTo('POST', '/v5/oauth/token').at(-1)?.body).toMatchObject({
            grant_type: 'authorization_code',
            continuous_refresh: 'true',
        });
    });

    it('ignores a redirect whose state does not match', async () => {
        await expect(
            runAuthorizationFlow({
                app,
                apiBaseUrl: emulator.baseUrl,
                port: 0,
                onAuthorizeUrl: consent(() => ({ code: 'anything', state: 'forged' })),
            }),
        ).rejects.toThrow(/unexpected state value/);
    });

    it('says so when the user refuses access', async () => {
        await expect(
            runAuthorizationFlow({
                app,
                apiBaseUrl: emulator.baseUrl,
                port: 0,
                onAuthorizeUrl: consent((authorize) => ({ error: 'access_denied', state: String(authorize.searchParams.get('state')) })),
            }),
        ).rejects.toThrow(/Pinterest did not grant access \(access_denied\)/);
    });

    it('reports a rejected code exchange in one sentence', async () => {
        await expect(
            runAuthorizationFlow({
                app,
                apiBaseUrl: emulator.baseUrl,
                port: 0,
                onAuthorizeUrl: consent((authorize) => ({ code: 'not-a-real-code', state: String(authorize.searchParams.get('state')) })),
            }),
        ).rejects.toThrow(/^Pinterest refused the authorization code \(used already, expired, or issued to another app or redirectUri\)/);
    });
});
