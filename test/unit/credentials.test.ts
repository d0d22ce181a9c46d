import { describe, expect, it, vi } from 'vitest';

import { CredentialManager, type CredentialRecordStore, parseScopes, type StoredCredentials } from '../../src/credentials/manager.js';
import { credentialRecordStore, credentialsRecordKey } from '../../src/credentials/store.js';
import { PinterestError } from '../../src/pinterest/errors.js';
import { OPERATIONS } from '../../src/pinterest/operations.js';
import { type TokenResponse, tokenResponseSchema } from '../../src/pinterest/schemas.js';
import { RecordCorruptError } from '../../src/storage/records.js';

const DAY = 86_400_000;
const app = { appId: '1234567', appSecret: 'app-secret-value' };

function memoryStore(initial?: StoredCredentials): CredentialRecordStore & { record?: StoredCredentials; writes: number } {
    return {
        description: 'memory store',
        record: initial,
        writes: 0,
        async read() {
            return this.record;
        },
        async write(record) {
            this.writes += 1;
            this.record = record;
        },
    };
}

/** A stored record whose access token has 10 days left. */
function storedRecord(now: number, fields: Pick<StoredCredentials, 'accessToken' | 'refreshToken' | 'refreshTokenExpiresAt'>): StoredCredentials {
    return {
        version: 1,
        appId: app.appId,
        environment: 'production',
        accessTokenExpiresAt: now + 10 * DAY,
        scopes: [],
        updatedAt: new Date(now).toISOString(),
        ...fields,
    };
}

/** A stand-in for Pinterest's token endpoint that rotates refresh tokens like the real one. */
function rotatingPinterest(now: () => number, firstRefreshToken: string) {
    let live = firstRefreshToken;
    let serial = 0;
    const refresh = vi.fn(async (_app: unknown, refreshToken: string): Promise<TokenResponse> => {
        if (refreshToken !== live) throw new PinterestError({ kind: 'refresh-rejected', operation: OPERATIONS.oauthToken, status: 400 });
        serial += 1;
        live = `pinr_rotated_${serial}`;
        return {
            access_token: `pina_access_${serial}`,
            token_type: 'bearer',
            expires_in: 30 * 86_400,
            scope: 'boards:read,pins:read',
            refresh_token: live,
            refresh_token_expires_in: 60 * 86_400,
            refresh_token_expires_at: Math.floor((now() + 60 * DAY) / 1000),
        };
    });
    return { refresh, live: () => live };
}

describe('CredentialManager', () => {
    it('gets an access token with the refresh trio alone, storing the rotated pair before use', async () => {
        const now = () => 1_800_000_000_000;
        const pinterest = rotatingPinterest(now, 'pinr_original');
        const store = memoryStore();
        const credentials = await CredentialManager.open({
            refresh: { app, refreshToken: 'pinr_original', environment: 'production', store, refresh: pinterest.refresh },
            now,
        });

        expect(await credentials.getAccessToken()).toBe('pina_access_1');
        expect(store.record).toMatchObject({ accessToken: 'pina_access_1', refreshToken: 'pinr_rotated_1', scopes: ['boards:read', 'pins:read'] });
        expect(credentials.scopes).toEqual(['boards:read', 'pins:read']);
        // Concurrent callers share one refresh.
        await Promise.all([credentials.getAccessToken(), credentials.getAccessToken()]);
        expect(pinterest.refresh).toHaveBeenCalledTimes(1);
    });

    it('prefers the stored newer tokens over the stale ones in the input', async () => {
        const now = () => 1_800_000_000_000;
        const pinterest = rotatingPinterest(now, 'pinr_original');
        const store = memoryStore();
        const setup = { app, refreshToken: 'pinr_original', environment: 'production', store, refresh: pinterest.refresh };
        await (await CredentialManager.open({ refresh: setup, now })).getAccessToken();

        const secondRun = await CredentialManager.open({ accessToken: 'pina_stale_input', refresh: setup, now });
        expect(await secondRun.getAccessToken()).toBe('pina_access_1');
        expect(pinterest.refresh).toHaveBeenCalledTimes(1);
    });

    it('refreshes once when the token in use is rejected, and not again for requests already holding the new one', async () => {
        let time = 1_800_000_000_000;
        const now = () => time;
        const pinterest = rotatingPinterest(now, 'pinr_original');
        const store = memoryStore();
        const credentials = await CredentialManager.open({
            accessToken: 'pina_input',
            refresh: { app, refreshToken: 'pinr_original', environment: 'production', store, refresh: pinterest.refresh },
            now,
        });
        expect(await credentials.getAccessToken()).toBe('pina_input');

        expect(await credentials.refreshAccessToken('pina_input')).toBe('pina_access_1');
        expect(await credentials.refreshAccessToken('pina_input')).toBe('pina_access_1');
        expect(pinterest.refresh).toHaveBeenCalledTimes(1);

        // Expired by the clock: renewed before use rather than after a 401.
        time += 31 * DAY;
        expect(await credentials.getAccessToken()).toBe('pina_access_2');
    });

    it('adopts tokens another run rotated meanwhile instead of failing', async () => {
        const now = () => 1_800_000_000_000;
        const pinterest = rotatingPinterest(now, 'pinr_original');
        const store = memoryStore();
        const setup = { app, refreshToken: 'pinr_original', environment: 'production', store, refresh: pinterest.refresh };
        const slowRun = await CredentialManager.open({ accessToken: 'pina_input', refresh: setup, now });
        const fastRun = await CredentialManager.open({ accessToken: 'pina_input', refresh: setup, now });

        expect(await fastRun.refreshAccessToken('pina_input')).toBe('pina_access_1');
        expect(await slowRun.refreshAccessToken('pina_input')).toBe('pina_access_1');
    });

    it('fails with a clear sentence when the refresh token is revoked', async () => {
        const now = () => 1_800_000_000_000;
        const refresh = vi.fn(async () => {
            throw new PinterestError({
                kind: 'refresh-rejected',
                operation: OPERATIONS.oauthToken,
                status: 400,
                apiMessage: 'Invalid refresh token',
            });
        });
        const credentials = await CredentialManager.open({
            refresh: { app, refreshToken: 'pinr_revoked', environment: 'production', store: memoryStore(), refresh },
            now,
            sleep: async () => undefined,
        });
        await expect(credentials.getAccessToken()).rejects.toThrow(/refresh token is revoked, expired or already replaced.*npm run auth/);
    });

    it('renews a refresh token that is about to expire and warns only if Pinterest does not extend it', async () => {
        const now = () => 1_800_000_000_000;
        const pinterest = rotatingPinterest(now, 'pinr_rotated_0');
        const expiring = storedRecord(now(), { accessToken: 'pina_old', refreshToken: 'pinr_rotated_0', refreshTokenExpiresAt: now() + 5 * DAY });
        const store = memoryStore(expiring);
        const credentials = await CredentialManager.open({
            refresh: { app, refreshToken: 'pinr_original', environment: 'production', store, refresh: pinterest.refresh },
            now,
        });
        expect(pinterest.refresh).toHaveBeenCalledTimes(1);
        expect(credentials.expiryWarning()).toBeUndefined();

        const stuck = vi.fn(async (): Promise<TokenResponse> => ({
            access_token: 'pina_x',
            token_type: 'bearer',
            expires_in: 2_592_000,
            scope: '',
            refresh_token: 'pinr_y',
            refresh_token_expires_at: Math.floor((now() + 3 * DAY) / 1000),
        }));
        const warned = await CredentialManager.open({
            refresh: { app, refreshToken: 'pinr_original', environment: 'production', store: memoryStore(expiring), refresh: stuck },
            now,
        });
        expect(warned.expiryWarning()).toMatch(/^Warning: the Pinterest refresh token expires on \d{4}-\d{2}-\d{2} \(in 3 days\)/);
    });

    it('carries on with the current tokens when the early renewal fails', async () => {
        const now = () => 1_800_000_000_000;
        const warnings: string[] = [];
        const failing = vi.fn(async (): Promise<TokenResponse> => {
            throw new PinterestError({ kind: 'network', operation: OPERATIONS.oauthToken, networkCode: 'ECONNRESET' });
        });
        const record = storedRecord(now(), { accessToken: 'pina_still_good', refreshToken: 'pinr_expiring', refreshTokenExpiresAt: now() + 2 * DAY });
        const credentials = await CredentialManager.open({
            refresh: { app, refreshToken: 'pinr_original', environment: 'production', store: memoryStore(record), refresh: failing },
            now,
            log: { info: () => undefined, warning: (message) => warnings.push(message) },
        });
        expect(await credentials.getAccessToken()).toBe('pina_still_good');
        expect(warnings).toEqual([
            expect.stringMatching(/^Could not renew the Pinterest tokens ahead of expiry: Could not reach the Pinterest API \(ECONNRESET\)/),
        ]);
        expect(credentials.expiryWarning()).toMatch(/in 2 days/);
    });

    it('works with an access token alone and never writes', async () => {
        const credentials = await CredentialManager.open({ accessToken: 'pina_only' });
        expect(await credentials.getAccessToken()).toBe('pina_only');
        expect(await credentials.refreshAccessToken('pina_only')).toBeUndefined();
        expect(credentials.expiryWarning()).toBeUndefined();
    });
});

describe('a refresh answer with the new pair is kept whatever else it lacks', () => {
    it('parses an answer with only the two tokens, and one with odd other fields', () => {
        expect(tokenResponseSchema.parse({ access_token: 'pina_a', refresh_token: 'pinr_b' })).toMatchObject({
            access_token: 'pina_a',
            refresh_token: 'pinr_b',
        });
        const odd = tokenResponseSchema.parse({
            access_token: 'pina_a',
            refresh_token: 'pinr_b',
            scope: ['pins:read'],
            expires_in: 'soon',
            token_type: 1,
        });
        expect(odd).toMatchObject({ access_token: 'pina_a', refresh_token: 'pinr_b', scope: undefined, expires_in: undefined });
    });

    it('saves the rotated pair from an answer without scope or expiry before using it', async () => {
        const now = () => 1_800_000_000_000;
        const store = memoryStore();
        const refresh = vi.fn(async () => tokenResponseSchema.parse({ access_token: 'pina_bare', refresh_token: 'pinr_bare' }));
        const credentials = await CredentialManager.open({
            refresh: { app, refreshToken: 'pinr_original', environment: 'production', store, refresh },
            now,
        });
        expect(await credentials.getAccessToken()).toBe('pina_bare');
        expect(store.record).toMatchObject({
            accessToken: 'pina_bare',
            refreshToken: 'pinr_bare',
            scopes: [],
            accessTokenExpiresAt: now() + 30 * DAY,
        });
        expect(credentials.scopes).toBeUndefined();
    });
});

describe('the credentials store', () => {
    const failingBackend = () => {
        const backend = {
            writes: 0,
            async getValue() {
                return undefined;
            },
            async setValue() {
                backend.writes += 1;
                throw new Error('store unavailable (HTTP 503)');
            },
        };
        return backend;
    };

    it('retries a failed write with backoff, keeps the new tokens in memory and says in one sentence what to do', async () => {
        const now = () => 1_800_000_000_000;
        const backend = failingBackend();
        const sleeps: number[] = [];
        const store = credentialRecordStore(backend, 'pinterest-credentials', 'k1', {
            attempts: 4,
            baseDelayMs: 500,
            sleep: async (ms) => void sleeps.push(ms),
        });
        const pinterest = rotatingPinterest(now, 'pinr_original');
        const warnings: string[] = [];
        const credentials = await CredentialManager.open({
            refresh: { app, refreshToken: 'pinr_original', environment: 'production', store, refresh: pinterest.refresh },
            now,
            log: { info: () => undefined, warning: (message) => warnings.push(message) },
        });
        expect(await credentials.getAccessToken()).toBe('pina_access_1');
        expect(await credentials.getAccessToken()).toBe('pina_access_1');
        expect(pinterest.refresh).toHaveBeenCalledTimes(1);
        expect(backend.writes).toBe(4);
        expect(sleeps).toEqual([500, 1000, 2000]);
        expect(warnings).toEqual([expect.stringMatching(/^Renewed the Pinterest access token but could not save the rotated tokens/)]);

        const warning = await credentials.saveUnsaved();
        expect(backend.writes).toBe(8);
        expect(warning).toBe(
            'Warning: the refreshed Pinterest tokens could not be saved in key-value store "pinterest-credentials" (record k1) (Could not save the Pinterest credentials in key-value store "pinterest-credentials" (record k1) after 4 attempts (store unavailable (HTTP 503))), and Pinterest has already retired the refresh token the next run would start from: make sure the key-value store can be written, then authorise the app again (npm run auth) and put the new refreshToken in the input.',
        );
        expect(warning).not.toContain('network');
    });

    it('saves the pair at the end of the run when the store has recovered', async () => {
        const now = () => 1_800_000_000_000;
        let failing = true;
        const saved = new Map<string, unknown>();
        const backend = {
            getValue: async (key: string) => saved.get(key),
            setValue: async (key: string, value: unknown) => {
                if (failing) throw new Error('unavailable');
                saved.set(key, value);
            },
        };
        const store = credentialRecordStore(backend, 'creds', 'k2', { attempts: 2, baseDelayMs: 1, sleep: async () => undefined });
        const credentials = await CredentialManager.open({
            refresh: {
                app,
                refreshToken: 'pinr_original',
                environment: 'production',
                store,
                refresh: rotatingPinterest(now, 'pinr_original').refresh,
            },
            now,
        });
        await credentials.getAccessToken();
        failing = false;
        expect(await credentials.saveUnsaved()).toBeUndefined();
        expect(saved.get('k2')).toMatchObject({ refreshToken: 'pinr_rotated_1' });
    });

    it('stops with a sentence naming a damaged record instead of falling back to the input', async () => {
        const backend = { getValue: async () => ({ version: 1, accessToken: 'pina_x' }), setValue: async () => undefined };
        const store = credentialRecordStore(backend, 'pinterest-credentials', 'k3');
        const refresh = vi.fn();
        const opening = CredentialManager.open({ refresh: { app, refreshToken: 'pinr_original', environment: 'production', store, refresh } });
        await expect(opening).rejects.toThrow(RecordCorruptError);
        await expect(opening).rejects.toThrow(
            /^The Pinterest credentials in key-value store "pinterest-credentials" \(record k3\) is damaged \(appId: .*\), so the Actor stopped rather than fall back to the refresh token in the input/,
        );
        expect(refresh).not.toHaveBeenCalled();
    });
});

describe('two runs refreshing at once', () => {
    it('waits briefly for the pair the other run is saving instead of telling the user to re-authorise', async () => {
        const now = () => 1_800_000_000_000;
        const pinterest = rotatingPinterest(now, 'pinr_original');
        const store = memoryStore();
        const sleeps: number[] = [];
        // The other run has rotated the token at Pinterest but saves its pair only after a moment.
        await pinterest.refresh(app, 'pinr_original');
        let reads = 0;
        const slowToSave: CredentialRecordStore = {
            description: 'memory store',
            read: async () => {
                reads += 1;
                return reads < 3 ? undefined : storedRecord(now(), { accessToken: 'pina_access_1', refreshToken: 'pinr_rotated_1' });
            },
            write: async (record) => store.write(record),
        };
        const credentials = await CredentialManager.open({
            accessToken: 'pina_input',
            refresh: { app, refreshToken: 'pinr_original', environment: 'production', store: slowToSave, refresh: pinterest.refresh },
            now,
            sleep: async (ms) => void sleeps.push(ms),
        });
        expect(await credentials.refreshAccessToken('pina_input')).toBe('pina_access_1');
        expect(sleeps).toEqual([500]);
    });

    it('gives up after polling when no newer pair appears', async () => {
        const sleeps: number[] = [];
        const refresh = vi.fn(async (): Promise<TokenResponse> => {
            throw new PinterestError({ kind: 'refresh-rejected', operation: OPERATIONS.oauthToken, status: 400 });
        });
        const credentials = await CredentialManager.open({
            refresh: { app, refreshToken: 'pinr_dead', environment: 'production', store: memoryStore(), refresh },
            sleep: async (ms) => void sleeps.push(ms),
            rotationPoll: { attempts: 3, intervalMs: 200 },
        });
        await expect(credentials.getAccessToken()).rejects.toThrow(/refresh token is revoked, expired or already replaced/);
        expect(sleeps).toEqual([200, 200]);
    });
});

describe('credentialsRecordKey', () => {
    it('separates accounts, apps and environments, and hides the token', () => {
        const key = credentialsRecordKey('production', '1234', 'pinr_secret_token');
        expect(key).toMatch(/^pinterest-production-1234-[0-9a-f]{32}$/);
        expect(key).not.toContain('secret');
        expect(credentialsRecordKey('production', '1234', 'pinr_other')).not.toBe(key);
        expect(credentialsRecordKey('sandbox', '1234', 'pinr_secret_token')).not.toBe(key);
    });
});

describe('parseScopes', () => {
    it('accepts commas and spaces', () => {
        expect(parseScopes('boards:read,pins:read pins:write ,  user_accounts:read')).toEqual([
            'boards:read',
            'pins:read',
            'pins:write',
            'user_accounts:read',
        ]);
    });
});
