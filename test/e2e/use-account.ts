import { afterAll, beforeAll } from 'vitest';

import { type AccountFixture, type AccountOptions, startWithAccount } from './fixture.js';

/**
 * The account of a test file (or of a describe block): started before its tests, closed after them. Its fields
 * are there from the first test on.
 */
export function useAccount(options: AccountOptions): AccountFixture {
    const account = {} as AccountFixture;
    beforeAll(async () => void Object.assign(account, await startWithAccount(options)));
    afterAll(async () => account.emulator?.close());
    return account;
}
