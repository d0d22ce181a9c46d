import { OPERATIONS } from '../../pinterest/operations.js';
import { defineMode } from '../types.js';
import { connectAccountInput, connectAccountProblems } from './input.js';

/**
 * Connects a client's Pinterest account without `npm run auth`: first the authorization URL to send the client,
 * then, with the address the client landed on (or its code), the token pair stored under the label. See run.ts.
 */
export const connectAccount = defineMode({
    title: "Connect a client's account (authorization link, then tokens stored by label)",
    description:
        'Without a code: outputs the Pinterest authorization URL to send to a client. With the address the client landed on (or its code): exchanges the code and stores the tokens in the credentials store under the label, so later runs need only the label (free).',
    input: connectAccountInput,
    usesAccount: false,
    operations: [OPERATIONS.oauthToken, OPERATIONS.getUserAccount],
    inputProblems: connectAccountProblems,

    run: async (context) => (await import('./run.js')).runConnectAccount(context),
});
