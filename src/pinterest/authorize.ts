import { OPERATIONS, scopesFor } from './operations.js';

/** Pinterest's consent page, where a user gives an app access to their account. */
export const AUTHORIZE_URL = 'https://www.pinterest.com/oauth/';

/**
 * What every operation of the Actor needs (every mode, plus preflight's account check), from the one table of them.
 * Not `ads:read`: the role lookup that alone would use it only refines a message, and a client connecting their
 * account should not be asked for their ads data for that.
 */
export const DEFAULT_SCOPES = scopesFor(Object.values(OPERATIONS).filter((operation) => operation !== OPERATIONS.getAdAccount));

/**
 * Pinterest's consent page for an app: the user signs in, sees the scopes and chooses "Give access", and Pinterest
 * sends the browser to `redirectUri` with `code` and `state`. Scopes are comma-separated, as the page takes them.
 */
export function authorizationUrl({
    appId,
    redirectUri,
    scopes,
    state,
}: {
    appId: string;
    redirectUri: string;
    scopes: readonly string[];
    state: string;
}): string {
    const authorize = new URL(AUTHORIZE_URL);
    authorize.search = new URLSearchParams({
        client_id: appId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: scopes.join(','),
        state,
    }).toString();
    return authorize.toString();
}
