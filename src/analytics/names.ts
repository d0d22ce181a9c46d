import type { PinterestClient } from '../pinterest/client.js';
import { PinterestError } from '../pinterest/errors.js';

/**
 * Names for the report's header and the run's status message, so that a client reads "Plant Based Kitchen" and
 * "board Summer Recipes" rather than ids. A name is a courtesy: when Pinterest will not give it (a token without
 * user_accounts:read, a failed request), the report says what it can without it and the run goes on.
 */

/** The account's business name, else its @username; undefined when Pinterest does not say. */
export async function accountName(client: Pick<PinterestClient, 'getUserAccount'>): Promise<string | undefined> {
    try {
        // Asked once per client: preflight has usually fetched it already, so this costs no request.
        const { account } = await client.getUserAccount();
        const business = account.business_name?.trim();
        if (business) return business;
        return account.username ? `@${account.username}` : undefined;
    } catch (error) {
        if (error instanceof PinterestError) return undefined;
        throw error;
    }
}

/** The board's name, by one `GET /boards/{board_id}`; undefined when it cannot be had. */
export async function boardName(client: Pick<PinterestClient, 'getBoard'>, boardId: string): Promise<string | undefined> {
    try {
        return (await client.getBoard(boardId)).name.trim() || undefined;
    } catch (error) {
        if (error instanceof PinterestError) return undefined;
        throw error;
    }
}
