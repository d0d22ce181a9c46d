import { CredentialManager, type RefreshSetup } from '../credentials/manager.js';
import { credentialsRecordKey, openCredentialStore } from '../credentials/store.js';
import { ActorError } from '../common/errors.js';
import type { CommonInput } from '../input/fields.js';
import { PinterestClient, PRODUCTION_BASE_URL, type RetryNotice, SANDBOX_BASE_URL, type SkipNotice } from '../pinterest/client.js';
import type { Log } from '../common/log.js';
import type { ModeHandler } from '../modes/types.js';
import type { RateLimitWaitNotice } from '../pinterest/transport.js';

/** `PINTEREST_API_BASE_URL` points every request elsewhere (the emulator in tests, a proxy); else the environment decides. */
export function apiBaseUrl(environment: CommonInput['environment'], env: NodeJS.ProcessEnv = process.env): string {
    const override = env.PINTEREST_API_BASE_URL?.trim();
    if (!override) return environment === 'sandbox' ? SANDBOX_BASE_URL : PRODUCTION_BASE_URL;
    if (!/^https?:\/\//i.test(override) || !URL.canParse(override)) {
        throw new ActorError(
            `The environment variable PINTEREST_API_BASE_URL must be an http(s) URL such as http://127.0.0.1:8080/v5, not "${override}": fix or unset it.`,
        );
    }
    return override.replace(/\/+$/, '');
}

/** Where requests go, for messages: "production", "the sandbox", or the override, which is neither. */
export function describeApiLocation(environment: CommonInput['environment'], env: NodeJS.ProcessEnv = process.env): string {
    if (env.PINTEREST_API_BASE_URL?.trim()) return `${apiBaseUrl(environment, env)} (PINTEREST_API_BASE_URL, with ${environment} settings)`;
    return environment === 'sandbox' ? 'the sandbox' : 'production';
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The client and the credentials behind it, wired so that a rejected token is refreshed and persisted. A mode that
 * works with the app alone (`usesAccount: false`) gets a client without a token, for the app's own requests; an
 * account connected by label (run/accounts.ts) passes the record key its tokens were saved under.
 */
export async function connect(
    input: CommonInput,
    log: Log,
    options: Pick<ModeHandler, 'usesAccount'> & { credentialsKey?: string } = {},
): Promise<{ client: PinterestClient; credentials: CredentialManager }> {
    const baseUrl = apiBaseUrl(input.environment);
    const environment = input.environment;
    const onRetry = ({ operation, retry, delayMs, reason }: RetryNotice) =>
        log.warning(`Pinterest ${operation.id}: ${reason}; retry ${retry} in ${seconds(delayMs)}.`);
    // The pacer spacing requests ahead of time is the plan working, said as information; a spent quota is a warning.
    const onRateLimitWait = ({ operation, category, delayMs, reason }: RateLimitWaitNotice) => {
        const message = `Waiting ${seconds(delayMs)} before ${operation ? `Pinterest ${operation.id}` : `the next ${category} request`}: ${reason}.`;
        if (operation) log.warning(message);
        else log.info(message);
    };
    const onSkipped = ({ message }: SkipNotice) => log.warning(message);

    if (options.usesAccount === false) {
        const client = new PinterestClient({ baseUrl, environment, onRetry, onRateLimitWait, onSkipped });
        return { client, credentials: await CredentialManager.open({ log }) };
    }

    const { refreshToken, appId, appSecret } = input;
    let refresh: RefreshSetup | undefined;
    if (refreshToken && appId && appSecret) {
        // Token requests authenticate the app, not the user, so they get a client of their own.
        const oauthClient = new PinterestClient({ baseUrl, environment, onRetry, onRateLimitWait });
        refresh = {
            app: { appId, appSecret },
            refreshToken,
            environment: input.environment,
            store: await openCredentialStore(
                input.credentialsStoreName,
                options.credentialsKey ?? credentialsRecordKey(input.environment, appId, refreshToken),
            ),
            refresh: async (app, token) => oauthClient.refreshAccessToken(app, token),
        };
    }
    const credentials = await CredentialManager.open({ accessToken: input.accessToken, refresh, log });
    // Business Access: every operation that takes ad_account_id acts on that ad account owner's account, so the
    // account preflight, the ledger, the queue and the history read (GET /user_account) is the operated one.
    const adAccount = input.adAccountId ? { adAccountId: input.adAccountId } : {};
    const client = new PinterestClient({ baseUrl, environment, tokens: credentials, ...adAccount, onRetry, onRateLimitWait, onSkipped });
    return { client, credentials };
}
