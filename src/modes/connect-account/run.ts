import { createHmac, timingSafeEqual } from 'node:crypto';

import { authorizationUrl, DEFAULT_SCOPES } from '../../pinterest/authorize.js';
import { ActorError } from '../../common/errors.js';
import { credentialsFromGrant } from '../../credentials/manager.js';
import { labelledCredentialsKey, openCredentialStore } from '../../credentials/store.js';
import type { AccountConnectionItem } from '../../output/items.js';
import { registerSecret } from '../../pinterest/redact.js';
import type { ModeContext, ModeResult } from '../types.js';
import type { ConnectAccountInput } from './input.js';

/**
 * The `state` of a label's authorization URL: an HMAC of the label (with app and environment) keyed by the app
 * secret. Only someone holding the secret can make it, so an answer carrying another label's state, or a made-up
 * one, is refused before its code is used; and nothing needs to be stored between the two runs.
 */
export function labelState(input: Pick<ConnectAccountInput, 'environment' | 'appId' | 'label' | 'appSecret'>): string {
    return createHmac('sha256', input.appSecret ?? '')
        .update(`connect-account\n${input.environment}\n${input.appId ?? ''}\n${(input.label ?? '').toLowerCase()}`)
        .digest('hex')
        .slice(0, 32);
}

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const isoOrNull = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** The code from the input: given alone, or read out of the address the client landed on (whose state is checked). */
function codeFrom(input: ConnectAccountInput, expectedState: string): string {
    if (input.code) return input.code;
    const landed = new URL(input.authorizationResponseUrl ?? '');
    const redirect = new URL(input.redirectUri ?? '');
    if (landed.origin !== redirect.origin || landed.pathname !== redirect.pathname) {
        throw new ActorError(
            `authorizationResponseUrl is not an address of redirectUri (${redirect.origin}${redirect.pathname}): give the whole address the client landed on after choosing "Give access", and the same redirectUri as when the authorization URL was made.`,
        );
    }
    const code = landed.searchParams.get('code');
    if (code) registerSecret(code);
    const state = landed.searchParams.get('state');
    if (state !== null && !sameText(state, expectedState)) {
        throw new ActorError(
            `authorizationResponseUrl carries a state that does not belong to label ${input.label}: it answers the authorization URL of another label, app or app secret, or was altered, so its code was not used; make the authorization URL for ${input.label} again and send that one.`,
        );
    }
    const error = landed.searchParams.get('error');
    if (error) {
        throw new ActorError(
            `The client did not give access (Pinterest answered error=${error.slice(0, 40)}): send the authorization URL again and ask them to choose "Give access".`,
        );
    }
    if (!code) {
        throw new ActorError(
            'authorizationResponseUrl has no code in it: give the whole address the client landed on after choosing "Give access" (it holds code= and state=).',
        );
    }
    return code;
}

/** Step 1: the address to send the client. Nothing is stored. */
function authorizationStep(context: ModeContext<ConnectAccountInput>, state: string): AccountConnectionItem {
    const { input } = context;
    const url = authorizationUrl({ appId: input.appId ?? '', redirectUri: input.redirectUri ?? '', scopes: DEFAULT_SCOPES, state });
    return {
        type: 'accountConnection',
        status: 'authorization-url',
        label: input.label ?? '',
        environment: input.environment,
        appId: input.appId ?? '',
        redirectUri: input.redirectUri ?? '',
        authorizationUrl: url,
        scopes: [...DEFAULT_SCOPES],
        username: null,
        accountType: null,
        accessTokenExpiresAt: null,
        refreshTokenExpiresAt: null,
        credentialsStoreName: input.credentialsStoreName,
        credentialsRecordKey: null,
        nextStep: `Send authorizationUrl to the client; when they have chosen "Give access", run connect-account again with label ${input.label} and authorizationResponseUrl set to the address they landed on (or code set to its code).`,
    };
}

/** Step 2: the code becomes a token pair, stored under the label; the row says whose account it is, never the tokens. */
async function exchangeStep(context: ModeContext<ConnectAccountInput>, state: string): Promise<AccountConnectionItem> {
    const { input, client, log } = context;
    const appId = input.appId ?? '';
    const label = input.label ?? '';
    const code = codeFrom(input, state);
    registerSecret(code);
    const tokens = await client.exchangeAuthorizationCode({ appId, appSecret: input.appSecret ?? '' }, code, input.redirectUri ?? '');
    registerSecret(tokens.access_token);
    registerSecret(tokens.refresh_token);
    const record = credentialsFromGrant(tokens, { appId, environment: input.environment, now: context.now() });
    if (!record) {
        throw new ActorError(
            'Pinterest issued an access token without a refresh token, which would stop working in 30 days: check that the app may use refresh tokens (developers.pinterest.com), then connect the account again.',
        );
    }
    let username: string | null = null;
    let accountType: string | null = null;
    try {
        const { account } = await client.withTokens({ getAccessToken: async () => record.accessToken }).getUserAccount();
        username = account.username ?? null;
        accountType = account.account_type ?? null;
    } catch (error) {
        // The tokens are good whatever this says; without user_accounts:read the account is simply not named.
        log.warning(`The account was connected, but its name could not be read: ${error instanceof Error ? error.message : 'unknown error'}`);
    }
    const key = labelledCredentialsKey(input.environment, appId, label);
    const store = await openCredentialStore(input.credentialsStoreName, key);
    if (await store.read().catch(() => undefined)) log.info(`Replacing the tokens saved before for label ${label} in ${store.description}.`);
    await store.write(record);
    return {
        type: 'accountConnection',
        status: 'connected',
        label,
        environment: input.environment,
        appId,
        redirectUri: input.redirectUri ?? '',
        authorizationUrl: null,
        scopes: record.scopes,
        username,
        accountType,
        accessTokenExpiresAt: isoOrNull(record.accessTokenExpiresAt),
        refreshTokenExpiresAt: isoOrNull(record.refreshTokenExpiresAt),
        credentialsStoreName: input.credentialsStoreName,
        credentialsRecordKey: key,
        nextStep: `Later runs with appId and appSecret need only the label ${label}; the tokens are in ${store.description} and are renewed there.`,
    };
}

export async function runConnectAccount(context: ModeContext<ConnectAccountInput>): Promise<ModeResult> {
    const { input, output } = context;
    const state = labelState(input);
    const exchanging = Boolean(input.code ?? input.authorizationResponseUrl);
    // A refused code or app secret fails the run with Pinterest's sentence about it (errors.ts), as it is.
    const row = exchanging ? await exchangeStep(context, state) : authorizationStep(context, state);
    await output.pushRows([row]);
    const summary =
        row.status === 'connected'
            ? `Connected ${row.username ? `@${row.username}` : 'the account'} as ${row.label}: the tokens are stored in ${row.credentialsStoreName} (access token until ${row.accessTokenExpiresAt?.slice(0, 10)}, refresh token until ${row.refreshTokenExpiresAt?.slice(0, 10) ?? 'unknown'}).`
            : `Authorization URL for ${row.label} ready: send it to the client (it is in the dataset and in OUTPUT.authorizationUrl).`;
    return {
        summary,
        counts: { [row.status === 'connected' ? 'connected' : 'authorizationUrls']: 1 },
        details: {
            label: row.label,
            ...(row.authorizationUrl ? { authorizationUrl: row.authorizationUrl } : {}),
            ...(row.status === 'connected'
                ? {
                      account: { username: row.username, accountType: row.accountType, scopes: row.scopes },
                      accessTokenExpiresAt: row.accessTokenExpiresAt,
                      refreshTokenExpiresAt: row.refreshTokenExpiresAt,
                      credentialsRecordKey: row.credentialsRecordKey,
                  }
                : {}),
        },
    };
}
