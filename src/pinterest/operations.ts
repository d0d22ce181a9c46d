/**
 * The Pinterest API v5 operations this client uses, with what the OpenAPI description says about each:
 * its rate-limit category (`x-ratelimit-category`) and the OAuth scopes its `security` requires.
 * Errors and preflight read scopes from here, so a message never names scopes the API does not need.
 */

export type RateLimitCategory = 'org_read' | 'org_write' | 'org_analytics';

export interface Operation {
    readonly id: string;
    readonly method: 'GET' | 'POST';
    readonly category: RateLimitCategory;
    readonly scopes: readonly string[];
}

const operation = (id: string, method: Operation['method'], category: RateLimitCategory, scopes: string[]): Operation =>
    Object.freeze({ id, method, category, scopes: Object.freeze(scopes) });

export const OPERATIONS = {
    getUserAccount: operation('user_account/get', 'GET', 'org_read', ['user_accounts:read']),
    listBoards: operation('boards/list', 'GET', 'org_read', ['boards:read']),
    getBoard: operation('boards/get', 'GET', 'org_read', ['boards:read']),
    listBoardPins: operation('boards/list_pins', 'GET', 'org_read', ['boards:read', 'pins:read']),
    listPins: operation('pins/list', 'GET', 'org_read', ['boards:read', 'pins:read']),
    createPin: operation('pins/create', 'POST', 'org_write', ['boards:read', 'boards:write', 'pins:read', 'pins:write']),
    oauthToken: operation('oauth/token', 'POST', 'org_read', []),
} as const;

export type OperationName = keyof typeof OPERATIONS;

/** Scopes needed to run all of the given operations. */
export function scopesFor(operations: readonly Operation[]): string[] {
    return [...new Set(operations.flatMap((op) => op.scopes))];
}
