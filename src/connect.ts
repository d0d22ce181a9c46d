import { CredentialManager, type RefreshSetup } from './credentials/manager.js';
import { credentialsRecordKey, openCredentialStore } from './credentials/store.js';
import { ActorError } from './errors.js';
import type { CommonInput } from './input.js';
import { PinterestClient, PRODUCTION_BASE_URL, type RetryNotice, SANDBOX_BASE_URL } from './pinterest/client.js';

export interface Log {
    info(message: string): void;
    warning(message: string): void;
}

/** `PINTEREST_API_BASE_URL` points every request elsewhere (the emulator in tests, a proxy); else the environment decides. */
export function apiBaseUrl(environment: CommonInput['environment'], env: NodeJS.ProcessEnv = process.env): string {
    const override = env.PINTEREST_API_BASE_URL?.trim();
    if (!override) return environment === 'sandbox' ? SANDBOX_BASE_URL : PRODUCTION_BASE_URL;
    if (!/^https?:\/\//i.test(override) || !URL.canParse(override)) {
        throw new ActorError(`The environment variable PINTEREST_API_BASE_URL must be an http(s) URL such as http://127.0.0.1:8080/v5, not "${override}": fix or unset it.`);
    }
    return override.replace(/\/+$/, '');
}

/** The client and the credentials behind it, wired so that a rejected token is refreshed and persisted. */
export async function connect(input: CommonInput, log: Log): Promise<{ client: PinterestClient; credentials: CredentialManager }> {
    const baseUrl = apiBaseUrl(input.environment);
    const onRetry = ({ operation, retry, delayMs, reason }: RetryNotice) =>
        log.warning(`Pinterest ${operation.id}: ${reason}; retry ${retry} in ${(delayMs / 1000).toFixed(1)} s.`);

    const { refreshToken, appId, appSecret } = input;
    let refresh: RefreshSetup | undefined;
    if (refreshToken && appId && appSecret) {
        // Token requests authenticate the app, not the user, so they get a client of their own.
        const oauthClient = new PinterestClient({ baseUrl, onRetry });
        refresh = {
            app: { appId, appSecret },
            refreshToken,
            environment: input.environment,
            store: await openCredentialStore(input.credentialsStoreName, credentialsRecordKey(input.environment, appId, refreshToken)),
            refresh: async (app, token) => oauthClient.refreshAccessToken(app, token),
        };
    }
    const credentials = await CredentialManager.open({ accessToken: input.accessToken, refresh, log });
    return { client: new PinterestClient({ baseUrl, tokens: credentials, onRetry }), credentials };
}
