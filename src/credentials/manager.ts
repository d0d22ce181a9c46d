import { z } from 'zod';

import type { Log } from '../common/log.js';
import type { AccessTokenSource, AppCredentials } from '../pinterest/client.js';
import { PinterestError } from '../pinterest/errors.js';
import { redactSecrets, registerSecret } from '../pinterest/redact.js';
import type { TokenResponse } from '../pinterest/schemas.js';
import { plural } from '../common/text.js';

const DAY_MS = 86_400_000;
/** Refresh a little before the access token's stated expiry, so a request never starts with a dying token. */
const ACCESS_TOKEN_SKEW_MS = 5 * 60_000;
/** Continuous refresh tokens live 60 days from their last use; renew early and warn when that fails. */
export const REFRESH_TOKEN_WARNING_MS = 14 * DAY_MS;
/** Pinterest's access tokens live 30 days; assumed when an answer does not say (a 401 triggers a refresh anyway). */
const DEFAULT_ACCESS_TOKEN_TTL_MS = 30 * DAY_MS;

/** How long to look for a pair another run saved, when Pinterest rejects the refresh token this run holds. */
export interface RotationPoll {
    /** Reads of the store in all. */
    attempts: number;
    intervalMs: number;
}
export const DEFAULT_ROTATION_POLL: RotationPoll = { attempts: 6, intervalMs: 500 };

/** What the credentials store keeps per Pinterest account (one key-value store record). */
export const storedCredentialsSchema = z.object({
    version: z.literal(1),
    appId: z.string(),
    environment: z.string(),
    accessToken: z.string().min(1),
    accessTokenExpiresAt: z.number(),
    refreshToken: z.string().min(1),
    refreshTokenExpiresAt: z.number().optional(),
    scopes: z.array(z.string()),
    updatedAt: z.string(),
});
export type StoredCredentials = z.infer<typeof storedCredentialsSchema>;

export interface CredentialRecordStore {
    /** Where the record lives, for messages ("key-value store pinterest-credentials, key …"). */
    readonly description: string;
    /** The stored pair, or undefined; a damaged record throws, as falling back to the input could use a dead token. */
    read(): Promise<StoredCredentials | undefined>;
    /** Saves the pair, retrying; throws once retries are spent. */
    write(record: StoredCredentials): Promise<void>;
}

export interface RefreshSetup {
    app: AppCredentials;
    /** The refresh token from the input; the stored one wins when present, being newer. */
    refreshToken: string;
    environment: string;
    store: CredentialRecordStore;
    /** `POST /oauth/token` with the refresh grant. */
    refresh: (app: AppCredentials, refreshToken: string) => Promise<TokenResponse>;
}

export interface CredentialManagerOptions {
    accessToken?: string;
    refresh?: RefreshSetup;
    now?: () => number;
    sleep?: (ms: number) => Promise<void>;
    rotationPoll?: RotationPoll;
    log?: Log;
}

/**
 * Holds the user's Pinterest tokens for one run: hands out the current access token, refreshes it when it is
 * missing, expired or rejected, and persists every rotated pair before using it, so that the next run, which
 * still has the original (now dead) refresh token in its input, carries on with the newest one.
 */
export class CredentialManager implements AccessTokenSource {
    private accessToken?: string;
    private accessTokenExpiresAt?: number;
    private refreshToken?: string;
    private refreshTokenExpiresAt?: number;
    private knownScopes?: string[];
    private refreshing?: Promise<string>;
    /** A rotated pair the store would not take: in use in memory, saved again at the end of the run if possible. */
    private unsaved?: { record: StoredCredentials; reason: string };
    private readonly now: () => number;
    private readonly sleep: (ms: number) => Promise<void>;

    private constructor(private readonly options: CredentialManagerOptions) {
        this.now = options.now ?? Date.now;
        this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
        this.accessToken = options.accessToken;
        this.refreshToken = options.refresh?.refreshToken;
        registerSecret(options.accessToken);
        registerSecret(options.refresh?.refreshToken);
        registerSecret(options.refresh?.app.appSecret);
    }

    static async open(options: CredentialManagerOptions): Promise<CredentialManager> {
        const manager = new CredentialManager(options);
        const stored = await options.refresh?.store.read();
        if (stored) {
            manager.adopt(stored);
            options.log?.info(`Using the newest Pinterest tokens saved in ${options.refresh?.store.description}.`);
        }
        if (manager.refreshTokenExpiresWithin(REFRESH_TOKEN_WARNING_MS)) {
            // Every refresh returns a refresh token good for another 60 days: renewing now keeps the chain alive.
            // It is a precaution, so a failure only warns; the run goes on with the tokens it has.
            await manager.refresh().catch((error: unknown) => {
                options.log?.warning(
                    `Could not renew the Pinterest tokens ahead of expiry: ${error instanceof Error ? redactSecrets(error.message) : 'unknown error'}`,
                );
            });
        }
        return manager;
    }

    /** Scopes granted to the token, when Pinterest told us (token responses carry them); undefined otherwise. */
    get scopes(): readonly string[] | undefined {
        return this.knownScopes;
    }

    get canRefresh(): boolean {
        return this.options.refresh !== undefined;
    }

    async getAccessToken(): Promise<string> {
        if (this.refreshing) return this.refreshing;
        const expired = this.accessTokenExpiresAt !== undefined && this.accessTokenExpiresAt - ACCESS_TOKEN_SKEW_MS <= this.now();
        if (this.accessToken && !(expired && this.canRefresh)) return this.accessToken;
        return this.refresh();
    }

    async refreshAccessToken(rejected: string): Promise<string | undefined> {
        if (!this.canRefresh) return undefined;
        if (this.refreshing) return this.refreshing;
        // Another request already swapped the token while this one was in flight.
        if (this.accessToken && this.accessToken !== rejected) return this.accessToken;
        return this.refresh();
    }

    /** A sentence for the run's status when the refresh token is about to run out, else undefined. */
    expiryWarning(): string | undefined {
        if (!this.refreshTokenExpiresWithin(REFRESH_TOKEN_WARNING_MS) || this.refreshTokenExpiresAt === undefined) return undefined;
        const days = Math.max(0, Math.floor((this.refreshTokenExpiresAt - this.now()) / DAY_MS));
        const date = new Date(this.refreshTokenExpiresAt).toISOString().slice(0, 10);
        return `Warning: the Pinterest refresh token expires on ${date} (in ${plural(days, 'day')}) and Pinterest did not extend it: authorise the app again (npm run auth) and put the new refreshToken in the input.`;
    }

    /**
     * Tries once more to save a rotated pair the store refused earlier (call at the end of the run). Returns a
     * warning sentence for the run's status when the pair is still unsaved, else undefined.
     */
    async saveUnsaved(): Promise<string | undefined> {
        const setup = this.options.refresh;
        if (!this.unsaved || !setup) return undefined;
        try {
            await setup.store.write(this.unsaved.record);
            this.unsaved = undefined;
            return undefined;
        } catch (error) {
            const reason = error instanceof Error ? redactSecrets(error.message) : 'unknown error';
            return `Warning: the refreshed Pinterest tokens could not be saved in ${setup.store.description} (${reason.replace(/\.$/, '')}), and Pinterest has already retired the refresh token the next run would start from: make sure the key-value store can be written, then authorise the app again (npm run auth) and put the new refreshToken in the input.`;
        }
    }

    private refreshTokenExpiresWithin(ms: number): boolean {
        return this.canRefresh && this.refreshTokenExpiresAt !== undefined && this.refreshTokenExpiresAt - this.now() < ms;
    }

    /** One refresh at a time: concurrent callers share it. */
    private async refresh(): Promise<string> {
        this.refreshing ??= this.refreshOnce().finally(() => {
            this.refreshing = undefined;
        });
        return this.refreshing;
    }

    private async refreshOnce(): Promise<string> {
        const setup = this.options.refresh;
        if (!setup || !this.refreshToken) throw new Error('No refresh credentials were given, so the access token cannot be renewed.');
        let response: TokenResponse;
        try {
            response = await setup.refresh(setup.app, this.refreshToken);
        } catch (error) {
            // Another run sharing these credentials may have rotated the token a moment ago: take its result.
            const latest =
                error instanceof PinterestError && error.kind === 'refresh-rejected'
                    ? await this.newerStoredPair(setup, this.refreshToken)
                    : undefined;
            if (!latest) throw error;
            this.adopt(latest);
            this.options.log?.info(`Another run renewed the Pinterest tokens meanwhile: using the pair it saved in ${setup.store.description}.`);
            if (latest.accessTokenExpiresAt - ACCESS_TOKEN_SKEW_MS > this.now()) return latest.accessToken;
            response = await setup.refresh(setup.app, latest.refreshToken);
        }

        const record = this.recordFrom(response, setup);
        registerSecret(record.accessToken);
        registerSecret(record.refreshToken);
        // Persist before use: if the run dies right after, the next run still holds the live refresh token.
        // If the store refuses even after retries, the pair is still the only live one: use it, and say so at the end.
        try {
            await setup.store.write(record);
            this.unsaved = undefined;
            this.options.log?.info(`Renewed the Pinterest access token and saved the rotated tokens in ${setup.store.description}.`);
        } catch (error) {
            this.unsaved = { record, reason: error instanceof Error ? error.message : String(error) };
            this.options.log?.warning(
                `Renewed the Pinterest access token but could not save the rotated tokens in ${setup.store.description}; carrying on with them in memory.`,
            );
        }
        this.adopt(record);
        return record.accessToken;
    }

    /**
     * A pair saved by another run after `rejected` was rotated away. That run writes only after Pinterest answers
     * it, so the store is polled briefly rather than read once.
     */
    private async newerStoredPair(setup: RefreshSetup, rejected: string): Promise<StoredCredentials | undefined> {
        const poll = this.options.rotationPoll ?? DEFAULT_ROTATION_POLL;
        for (let attempt = 1; attempt <= poll.attempts; attempt += 1) {
            const latest = await setup.store.read();
            if (latest && latest.refreshToken !== rejected) return latest;
            if (attempt < poll.attempts) await this.sleep(poll.intervalMs);
        }
        return undefined;
    }

    private recordFrom(response: TokenResponse, setup: RefreshSetup): StoredCredentials {
        const now = this.now();
        const refreshTokenExpiresAt = response.refresh_token_expires_at
            ? response.refresh_token_expires_at * 1000
            : response.refresh_token_expires_in
              ? now + response.refresh_token_expires_in * 1000
              : this.refreshTokenExpiresAt;
        return {
            version: 1,
            appId: setup.app.appId,
            environment: setup.environment,
            accessToken: response.access_token,
            accessTokenExpiresAt: now + (response.expires_in !== undefined ? response.expires_in * 1000 : DEFAULT_ACCESS_TOKEN_TTL_MS),
            // Pinterest always rotates today; keep the old token if an answer ever comes without one.
            refreshToken: response.refresh_token ?? this.refreshToken ?? setup.refreshToken,
            refreshTokenExpiresAt,
            scopes: parseScopes(response.scope ?? ''),
            updatedAt: new Date(now).toISOString(),
        };
    }

    private adopt(record: StoredCredentials): void {
        registerSecret(record.accessToken);
        registerSecret(record.refreshToken);
        this.accessToken = record.accessToken;
        this.accessTokenExpiresAt = record.accessTokenExpiresAt;
        this.refreshToken = record.refreshToken;
        this.refreshTokenExpiresAt = record.refreshTokenExpiresAt;
        this.knownScopes = record.scopes.length > 0 ? record.scopes : undefined;
    }
}

/** Pinterest lists granted scopes in one string; accept commas and spaces alike. */
/**
 * The record of a pair Pinterest has just issued for an authorization code (mode connect-account): nothing older
 * to fall back on, so an answer without a refresh token cannot be kept.
 */
export function credentialsFromGrant(
    response: TokenResponse,
    { appId, environment, now }: { appId: string; environment: string; now: number },
): StoredCredentials | undefined {
    if (!response.refresh_token) return undefined;
    const refreshTokenExpiresAt = response.refresh_token_expires_at
        ? response.refresh_token_expires_at * 1000
        : response.refresh_token_expires_in
          ? now + response.refresh_token_expires_in * 1000
          : undefined;
    return {
        version: 1,
        appId,
        environment,
        accessToken: response.access_token,
        accessTokenExpiresAt: now + (response.expires_in !== undefined ? response.expires_in * 1000 : DEFAULT_ACCESS_TOKEN_TTL_MS),
        refreshToken: response.refresh_token,
        ...(refreshTokenExpiresAt === undefined ? {} : { refreshTokenExpiresAt }),
        scopes: parseScopes(response.scope ?? ''),
        updatedAt: new Date(now).toISOString(),
    };
}

export function parseScopes(scope: string): string[] {
    return scope
        .split(/[\s,]+/)
        .map((part) => part.trim())
        .filter(Boolean);
}
