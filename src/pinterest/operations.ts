/**
 * The Pinterest API v5 operations this client uses, with what the OpenAPI description says about each: its
 * method and path template, its rate-limit category (`x-ratelimit-category`), the OAuth scopes its `security`
 * requires and whether it takes `ad_account_id`. Errors and preflight read scopes from here, so a message never
 * names scopes the API does not need, and the endpoint functions read paths from here, so a path is written once.
 * `test/unit/operations.test.ts` checks every entry against the description.
 */

export type RateLimitCategory = 'org_read' | 'org_write' | 'org_analytics' | 'ads_read';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface Operation {
    readonly id: string;
    readonly method: HttpMethod;
    /** Relative to the API base URL, with `{name}` placeholders, as in the OpenAPI description. */
    readonly path: string;
    readonly category: RateLimitCategory;
    readonly scopes: readonly string[];
    /**
     * Whether carrying it out twice leaves the same result as once. Only then may a request that may have reached
     * Pinterest (a 5xx, a timeout, a dropped connection) be sent again; otherwise its outcome is unknown.
     */
    readonly idempotent: boolean;
    /** Takes the optional `ad_account_id` query parameter (Business Access: act as the ad account's owner). */
    readonly adAccount: boolean;
    /** In beta and "not available to all apps": a 401 code 3 may mean the app has no access rather than a missing scope. */
    readonly beta: boolean;
}

interface Traits {
    idempotent: boolean;
    adAccount?: boolean;
    beta?: boolean;
}

const operation = (id: string, method: HttpMethod, path: string, category: RateLimitCategory, scopes: string[], traits: Traits): Operation =>
    Object.freeze({
        id,
        method,
        path,
        category,
        scopes: Object.freeze(scopes),
        idempotent: traits.idempotent,
        adAccount: traits.adAccount ?? false,
        beta: traits.beta ?? false,
    });

/** Reads change nothing; repeating them is always safe. */
const READ: Traits = { idempotent: true, adAccount: true };
/**
 * Creating writes: no idempotency key exists, so a repeat after Pinterest may have acted creates a second pin,
 * board or media.
 */
const CREATE: Traits = { idempotent: false, adAccount: true };
/** Writes that set a state (update, delete): a repeat finds the state already set. */
const SET: Traits = { idempotent: true, adAccount: true };

const PIN_READ = ['boards:read', 'pins:read'];
const PIN_WRITE = ['boards:read', 'boards:write', 'pins:read', 'pins:write'];

export const OPERATIONS = {
    getUserAccount: operation('user_account/get', 'GET', 'user_account', 'org_read', ['user_accounts:read'], READ),
    listBoards: operation('boards/list', 'GET', 'boards', 'org_read', ['boards:read'], READ),
    getBoard: operation('boards/get', 'GET', 'boards/{board_id}', 'org_read', ['boards:read'], READ),
    createBoard: operation('boards/create', 'POST', 'boards', 'org_write', ['boards:read', 'boards:write'], CREATE),
    listBoardSections: operation('board_sections/list', 'GET', 'boards/{board_id}/sections', 'org_read', ['boards:read'], READ),
    createBoardSection: operation(
        'board_sections/create',
        'POST',
        'boards/{board_id}/sections',
        'org_write',
        ['boards:read', 'boards:write'],
        CREATE,
    ),
    listBoardPins: operation('boards/list_pins', 'GET', 'boards/{board_id}/pins', 'org_read', PIN_READ, READ),
    listPins: operation('pins/list', 'GET', 'pins', 'org_read', PIN_READ, READ),
    getPin: operation('pins/get', 'GET', 'pins/{pin_id}', 'org_read', PIN_READ, READ),
    createPin: operation('pins/create', 'POST', 'pins', 'org_write', PIN_WRITE, CREATE),
    updatePin: operation('pins/update', 'PATCH', 'pins/{pin_id}', 'org_write', PIN_WRITE, { ...SET, beta: true }),
    deletePin: operation('pins/delete', 'DELETE', 'pins/{pin_id}', 'org_write', PIN_WRITE, SET),
    /** Saving makes a new pin each time. */
    savePin: operation('pins/save', 'POST', 'pins/{pin_id}/save', 'org_write', PIN_WRITE, CREATE),
    registerMedia: operation('media/create', 'POST', 'media', 'org_write', ['pins:read', 'pins:write'], { idempotent: false }),
    getMedia: operation('media/get', 'GET', 'media/{media_id}', 'org_read', ['pins:read'], { idempotent: true }),
    getPinAnalytics: operation('pins/analytics', 'GET', 'pins/{pin_id}/analytics', 'org_analytics', PIN_READ, READ),
    getMultiPinAnalytics: operation('multi_pins/analytics', 'GET', 'pins/analytics', 'org_analytics', PIN_READ, { ...READ, beta: true }),
    getAccountAnalytics: operation('user_account/analytics', 'GET', 'user_account/analytics', 'org_analytics', ['user_accounts:read'], READ),
    getTopPins: operation(
        'user_account/analytics/top_pins',
        'GET',
        'user_account/analytics/top_pins',
        'org_analytics',
        ['pins:read', 'user_accounts:read'],
        READ,
    ),
    getTopVideoPins: operation(
        'user_account/analytics/top_video_pins',
        'GET',
        'user_account/analytics/top_video_pins',
        'org_analytics',
        ['pins:read', 'user_accounts:read'],
        READ,
    ),
    /**
     * Business Access: the caller's own roles on an ad account, asked only to name the role in a refusal. It needs
     * `ads:read`, which the Actor does not ask for (see authorize.ts): without it the refusal names no role.
     */
    getAdAccount: operation('ad_accounts/get', 'GET', 'ad_accounts/{ad_account_id}', 'ads_read', ['ads:read'], { idempotent: true }),
    /**
     * Never repeated once it may have reached Pinterest: a refresh that went through has already replaced the
     * refresh token, so a second one would send a dead token (and a code can be exchanged once).
     */
    oauthToken: operation('oauth/token', 'POST', 'oauth/token', 'org_read', [], { idempotent: false }),
} as const;

export type OperationName = keyof typeof OPERATIONS;

/** Scopes needed to run all of the given operations. */
export function scopesFor(operations: readonly Operation[]): string[] {
    return [...new Set(operations.flatMap((op) => op.scopes))];
}

/** The operation's path with its placeholders filled in (each value URL-encoded). */
export function expandPath(operation: Operation, params: Record<string, string> = {}): string {
    return operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        const value = params[name];
        if (value === undefined) throw new Error(`${operation.id} needs the path parameter ${name}`);
        return encodeURIComponent(value);
    });
}
