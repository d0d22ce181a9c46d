import type { Operation } from './operations.js';
import { redactSecrets } from './redact.js';

/**
 * What went wrong, as far as a user needs to know to fix it. `outcome-unknown` is special: a write may or
 * may not have happened, so callers must reconcile before trying again instead of treating it as failed.
 */
export type PinterestErrorKind =
    | 'invalid-token'
    | 'missing-scope'
    | 'trial-production'
    | 'not-found'
    | 'bad-request'
    | 'rate-limited'
    | 'spam-blocked'
    | 'server-error'
    | 'network'
    | 'outcome-unknown'
    | 'unexpected-response'
    | 'incomplete-answer'
    | 'not-json'
    | 'redirected'
    | 'unsendable-credentials'
    | 'refresh-rejected'
    | 'app-credentials-rejected'
    | 'code-rejected'
    | 'ad-account-refused'
    | 'not-sent';

export interface PinterestErrorDetails {
    kind: PinterestErrorKind;
    operation: Operation;
    /** HTTP status, absent when no response arrived. */
    status?: number;
    /** Pinterest's own error `code` from the body. */
    code?: number;
    /** Pinterest's `message` (and `message_detail`), already redacted. */
    apiMessage?: string;
    /** `x-pinterest-rid`: the id Pinterest support asks for. */
    requestId?: string;
    /** Network error code such as ECONNRESET or ETIMEDOUT. */
    networkCode?: string;
    /** What the request was about, for messages: "board 549755885175". */
    subject?: string;
    /** Attempts made, retries included. */
    attempts?: number;
    /** Seconds until the rate limit resets (or a 503's Retry-After), when known. */
    resetSeconds?: number;
    /** For `redirected`: the host the answer pointed to (never its path or query). */
    redirectHost?: string;
    /** For `not-json`: the media type the answer declared. */
    contentType?: string;
    /** The Pinterest environment the request was for, when the caller said. */
    environment?: 'production' | 'sandbox';
    /** For `incomplete-answer`: the field Pinterest left out, and what needs it ("the video upload needs"). */
    missing?: string;
    neededFor?: string;
    /** For token requests: the grant (`refresh_token`, `authorization_code`). */
    grantType?: string;
    /** For `ad-account-refused`: the ad account the request acted for (Business Access). */
    adAccountId?: string;
    /** For `ad-account-refused`: the caller's roles on that ad account, when Pinterest said (`GET /ad_accounts/{id}`). */
    roles?: readonly string[];
}

/** The one error type the client throws. `message` is a single actionable sentence, safe to show anywhere. */
export class PinterestError extends Error {
    override readonly name = 'PinterestError';
    readonly kind: PinterestErrorKind;
    readonly operation: Operation;
    readonly status?: number;
    readonly code?: number;
    readonly apiMessage?: string;
    readonly requestId?: string;
    readonly networkCode?: string;
    /** Attempts made, retries included (absent when none was sent). */
    readonly attempts?: number;
    /** Set when the request acted for an ad account's owner (Business Access) and the refusal is about that. */
    readonly adAccountId?: string;

    constructor(private readonly details: PinterestErrorDetails) {
        super(describe(details));
        this.kind = details.kind;
        this.operation = details.operation;
        this.status = details.status;
        this.code = details.code;
        this.apiMessage = details.apiMessage;
        this.requestId = details.requestId;
        this.networkCode = details.networkCode;
        this.attempts = details.attempts;
        this.adAccountId = details.adAccountId;
    }

    /** The same failure, told with more of what is known about it (a Business Access role looked up afterwards). */
    withDetails(extra: Partial<PinterestErrorDetails>): PinterestError {
        return new PinterestError({ ...this.details, ...extra });
    }

    /** True when a write may have happened although no success was seen: reconcile, don't retry blindly. */
    get outcomeUnknown(): boolean {
        return this.kind === 'outcome-unknown';
    }
}

/** For writes that must not be repeated blindly: what may have happened, and how the user finds out. */
const UNCONFIRMED_WRITES: Record<string, { happened: string; check: string }> = {
    'pins/create': { happened: 'the pin was created', check: 'check the board before running again' },
    'pins/save': { happened: 'the pin was saved', check: 'check the board before saving it again' },
    'boards/create': { happened: 'the board was created', check: 'check your boards before running again' },
    'board_sections/create': { happened: 'the section was created', check: "check the board's sections before running again" },
    'media/create': { happened: 'the video upload was registered', check: 'run again (an unused registration costs nothing)' },
};

function describe(details: PinterestErrorDetails): string {
    const { kind, operation, status, apiMessage, subject, attempts, resetSeconds, networkCode, environment } = details;
    const said = apiMessage ? ` Pinterest said: "${apiMessage}".` : '';
    const scopes = operation.scopes.join(', ');
    const tries = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
    let sentence: string;
    switch (kind) {
        case 'invalid-token':
            sentence =
                'The Pinterest access token is invalid or expired: generate a new one at developers.pinterest.com, or give refreshToken, appId and appSecret so the Actor renews it automatically.';
            break;
        case 'missing-scope':
            sentence = operation.beta
                ? `Pinterest did not allow ${operation.id}, which is in beta and not available to all apps: ask Pinterest for access for your app at developers.pinterest.com, or, if the token lacks one of the scopes ${scopes}, authorise your app again with them.${said}`
                : `The Pinterest token is not allowed to do this (${operation.id}): authorise your app again with the scopes ${scopes}, then use the new token.${said}`;
            break;
        case 'trial-production':
            sentence =
                environment === 'sandbox'
                    ? `Pinterest refused the write (${operation.id}) as not allowed for a Trial app although environment is "sandbox": check that the token was issued for the sandbox (api-sandbox.pinterest.com), or apply for Standard access at developers.pinterest.com.${said}`
                    : 'Your Pinterest app has Trial access, which cannot create pins in production: set environment to "sandbox" and use a sandbox token, or apply for Standard access at developers.pinterest.com.';
            break;
        case 'not-found':
            sentence = subject
                ? `Pinterest could not find ${subject}, or your token cannot see it: check the id (mode list-boards lists your boards and their ids).`
                : `Pinterest could not find what ${operation.id} asked for: check the ids in your input.${said}`;
            break;
        case 'bad-request':
            sentence = `Pinterest rejected the request (${operation.id}, HTTP ${status ?? 400}): fix the input it names and run again.${said}`;
            break;
        case 'rate-limited':
            sentence = `Pinterest's rate limit for ${operation.category} requests was reached${tries}: ${
                resetSeconds !== undefined ? `it resets in about ${formatSeconds(resetSeconds)}, ` : ''
            }run again then.`;
            break;
        case 'spam-blocked':
            sentence = `Pinterest blocked the request as suspected spam, so the Actor did not retry it: wait before posting again and avoid repeating the same content or links.${said}`;
            break;
        case 'server-error':
            sentence = `Pinterest answered with a server error (HTTP ${status})${tries}: this is on Pinterest's side, try again ${
                resetSeconds !== undefined ? `in about ${formatSeconds(resetSeconds)}, as Pinterest asked` : 'in a few minutes'
            }.`;
            break;
        case 'network':
            sentence = `Could not reach the Pinterest API (${networkCode ?? 'network error'})${tries}: check your network, or PINTEREST_API_BASE_URL if you set it.`;
            break;
        case 'outcome-unknown':
            if (operation.id === 'oauth/token') {
                sentence = `Pinterest did not confirm the token refresh (${networkCode ?? `HTTP ${status}`}) and the Actor did not repeat it, because a refresh that went through replaces the refresh token: run again, and if refreshing then fails, authorise the app again (npm run auth).`;
                break;
            }
            {
                const write = UNCONFIRMED_WRITES[operation.id] ?? {
                    happened: `${operation.id} went through`,
                    check: 'check on Pinterest before running again',
                };
                sentence = `Pinterest did not confirm whether ${write.happened}${subject ? ` on ${subject}` : ''} (${networkCode ?? `HTTP ${status}`}) and the Actor did not retry, to avoid doing it twice: ${write.check}.`;
            }
            break;
        case 'unexpected-response':
            sentence = `Pinterest answered ${operation.id} with data the Actor does not understand${status ? ` (HTTP ${status})` : ''}: please report this with the request id.${said}`;
            break;
        case 'incomplete-answer':
            sentence = `Pinterest's answer to ${operation.id} left out ${details.missing ?? 'a field'}, which ${details.neededFor ?? 'the Actor needs'}: try again later.`;
            break;
        case 'not-json':
            sentence = `Pinterest answered ${operation.id} with something that is not the API's JSON (HTTP ${status ?? '?'}${
                details.contentType ? `, ${details.contentType}` : ''
            }): a proxy or captive portal may be in the way, or PINTEREST_API_BASE_URL points somewhere else; try again later.`;
            break;
        case 'redirected':
            sentence = `Pinterest answered ${operation.id} with a redirect${status ? ` (HTTP ${status})` : ''} to ${
                details.redirectHost ?? 'another address'
            }, which the API never does, so the Actor did not follow it or send your credentials there: check PINTEREST_API_BASE_URL and any proxy in between.`;
            break;
        case 'unsendable-credentials':
            sentence =
                'The Pinterest token contains a line break or another character that cannot be sent in an HTTP header: copy the token again without extra characters.';
            break;
        case 'refresh-rejected':
            sentence = `Pinterest refused to refresh the access token: the refresh token is revoked, expired or already replaced. Authorise the app again (npm run auth) and put the new refreshToken in the input.${said}`;
            break;
        case 'not-sent':
            sentence = `The request (${operation.id}) was not sent: ${apiMessage ?? 'the caller withdrew it'}.`;
            break;
        case 'app-credentials-rejected':
            sentence = `Pinterest rejected the app credentials while ${
                details.grantType === 'authorization_code' ? 'exchanging the authorization code' : 'refreshing the token'
            }: check appId and appSecret at developers.pinterest.com.${said}`;
            break;
        case 'code-rejected':
            sentence = describeRejectedCode(apiMessage);
            break;
        case 'ad-account-refused':
            sentence = describeBusinessAccessRefusal(operation, details.adAccountId ?? 'given in adAccountId', details.roles);
            break;
    }
    const rid = details.requestId ? ` (Pinterest request id: ${details.requestId})` : '';
    return redactSecrets(rid ? sentence.replace(/\.$/, `${rid}.`) : sentence);
}

/** Why Pinterest refused an authorization code, as far as its answer says, and what to do. */
function describeRejectedCode(apiMessage: string | undefined): string {
    const again = 'open the authorization URL again, choose "Give access" and use the new code right away';
    if (apiMessage && /redirect/i.test(apiMessage)) {
        return `Pinterest refused the authorization code because redirectUri is not the address the authorization URL was made with: use exactly the same redirectUri in both runs.`;
    }
    if (apiMessage && /used/i.test(apiMessage))
        return `Pinterest refused the authorization code because it was already used (a code works once): ${again}.`;
    if (apiMessage && /expired/i.test(apiMessage))
        return `Pinterest refused the authorization code because it has expired (codes live minutes): ${again}.`;
    return `Pinterest refused the authorization code (used already, expired, or issued to another app or redirectUri): ${again}.${apiMessage ? ` Pinterest said: "${apiMessage}".` : ''}`;
}

/** Business Access roles as Pinterest's Business Manager names them ("CAMPAIGN_MANAGER" is "Campaign manager"). */
function roleName(role: string): string {
    const names: Record<string, string> = {
        OWNER: 'Owner',
        ADMIN: 'Admin',
        ANALYST: 'Analyst',
        CAMPAIGN_MANAGER: 'Campaign manager',
        AUDIENCE_MANAGER: 'Audience',
        FINANCE_MANAGER: 'Finance',
        FINANCE_EDIT: 'Finance',
        FINANCE_VIEW: 'Finance',
        CATALOGS_MANAGER: 'Catalogs',
        CATALOGS_VIEWER: 'Catalogs',
        PROFILE_PUBLISHER: 'Profile publisher',
    };
    return names[role] ?? role.charAt(0) + role.slice(1).toLowerCase().replace(/_/g, ' ');
}

/** What an operation does, for a Business Access refusal ("creating pins needs …"). */
function businessAction(operation: Operation): string {
    const actions: Record<string, string> = {
        'pins/create': 'creating pins',
        'pins/update': 'editing pins',
        'pins/delete': 'deleting pins',
        'pins/save': 'saving pins',
        'boards/create': 'creating boards',
        'board_sections/create': 'creating board sections',
        'user_account/get': 'reading the account',
    };
    return actions[operation.id] ?? (operation.category === 'org_analytics' ? 'reading analytics' : 'reading pins and boards');
}

/**
 * Pinterest refuses a request with `ad_account_id` when the token's user has no Business Access to the ad account,
 * or a role that does not cover the request (an Analyst only views). The roles named are those of Pinterest's
 * Business Manager that allow it: Admin and Campaign manager create and edit, and Analyst views reporting too.
 */
function describeBusinessAccessRefusal(operation: Operation, adAccountId: string, roles: readonly string[] | undefined): string {
    const action = businessAction(operation);
    const writes = operation.method !== 'GET';
    const needed = writes ? 'the Admin or Campaign manager role' : 'the Analyst, Campaign manager or Admin role';
    const named = [...new Set((roles ?? []).map(roleName))];
    const why =
        named.length > 0
            ? `your role on that ad account is ${named.join(' and ')}, which does not allow it`
            : writes
              ? 'your role on that ad account does not allow it (an Analyst only views)'
              : 'your Pinterest account has no role on that ad account that allows it';
    return `Pinterest refused ${action} on ad account ${adAccountId} (Business Access): ${why}; ${action} needs ${needed}: ask the ad account's owner to give it to you in Business Manager, or check adAccountId.`;
}

function formatSeconds(seconds: number): string {
    if (seconds < 90) return `${Math.max(1, Math.ceil(seconds))} s`;
    if (seconds < 5400) return `${Math.ceil(seconds / 60)} min`;
    return `${Math.ceil(seconds / 3600)} h`;
}
