/**
 * The Pinterest API v5 operations this client uses, with what the OpenAPI description says about each: its
 * method and path template, its rate-limit category (`x-ratelimit-category`) and the OAuth scopes its
 * `security` requires. Errors and preflight read scopes from here, so a message never names scopes the API
 * does not need, and the endpoint functions read paths from here, so a path is written once.
 */

export type RateLimitCategory = 'org_read' | 'org_write' | 'org_analytics';

export interface Operation {
    readonly id: string;
    readonly method: 'GET' | 'POST';
    /** Relative to the API base URL, with `{name}` placeholders, as in the OpenAPI description. */
    readonly path: string;
    readonly category: RateLimitCategory;
    readonly scopes: readonly string[];
}

const operation = (id: string, method: Operation['method'], path: string, category: RateLimitCategory, scopes: string[]): Operation =>
    Object.freeze({ id, method, path, category, scopes: Object.freeze(scopes) });

const PIN_READ = ['boards:read', 'pins:read'];

export const OPERATIONS = {
    getUserAccount: operation('user_account/get', 'GET', 'user_account', 'org_read', ['user_accounts:read']),
    listBoards: operation('boards/list', 'GET', 'boards', 'org_read', ['boards:read']),
    getBoard: operation('boards/get', 'GET', 'boards/{board_id}', 'org_read', ['boards:read']),
    createBoard: operation('boards/create', 'POST', 'boards', 'org_write', ['boards:read', 'boards:write']),
    listBoardSections: operation('board_sections/list', 'GET', 'boards/{board_id}/sections', 'org_read', ['boards:read']),
    listBoardPins: operation('boards/list_pins', 'GET', 'boards/{board_id}/pins', 'org_read', PIN_READ),
    listPins: operation('pins/list', 'GET', 'pins', 'org_read', PIN_READ),
    getPin: operation('pins/get', 'GET', 'pins/{pin_id}', 'org_read', PIN_READ),
    createPin: operation('pins/create', 'POST', 'pins', 'org_write', ['boards:read', 'boards:write', 'pins:read', 'pins:write']),
    registerMedia: operation('media/create', 'POST', 'media', 'org_write', ['pins:read', 'pins:write']),
    getMedia: operation('media/get', 'GET', 'media/{media_id}', 'org_read', ['pins:read']),
    getPinAnalytics: operation('pins/analytics', 'GET', 'pins/{pin_id}/analytics', 'org_analytics', PIN_READ),
    getMultiPinAnalytics: operation('multi_pins/analytics', 'GET', 'pins/analytics', 'org_analytics', PIN_READ),
    getAccountAnalytics: operation('user_account/analytics', 'GET', 'user_account/analytics', 'org_analytics', ['user_accounts:read']),
    getTopPins: operation('user_account/analytics/top_pins', 'GET', 'user_account/analytics/top_pins', 'org_analytics', [
        'pins:read',
        'user_accounts:read',
    ]),
    oauthToken: operation('oauth/token', 'POST', 'oauth/token', 'org_read', []),
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
