import { z } from 'zod';

import { blankToUndefined, httpUrl, MAX_SECRET_LENGTH, modeInputSchema, optionalText, trimmed } from '../../input/fields.js';

/** A connected account's name in rows, messages and the credentials record's key. */
export const LABEL_PATTERN = /^[A-Za-z0-9-]{1,40}$/;
const LABEL_PROBLEM = 'label must be 1 to 40 letters, digits or hyphens, such as client-a';

/** Where Pinterest sends the browser after "Give access": an https page registered in the app, any address. */
const REDIRECT_URI_MAX = 2048;

export const connectAccountInput = modeInputSchema('connect-account', {
    redirectUri: optionalText(
        httpUrl('redirectUri', REDIRECT_URI_MAX, 'https://agency.example.com/pinterest/connected').refine(
            (value) => /^https:\/\//i.test(value),
            'redirectUri must be an https address (Pinterest accepts no other for a web app), such as https://agency.example.com/pinterest/connected',
        ),
    ),
    label: optionalText(trimmed(LABEL_PROBLEM).regex(LABEL_PATTERN, LABEL_PROBLEM)),
    /** The code alone, as the address the client landed on shows it after `code=`. A secret: it is worth tokens. */
    code: optionalText(
        trimmed('code must be text: the value after code= in the address the client landed on')
            .max(MAX_SECRET_LENGTH, `code must be at most ${MAX_SECRET_LENGTH} characters: copy it again`)
            .regex(/^[\x21-\x7e]+$/, 'code must be one line of letters and digits, without spaces: copy it again'),
    ),
    /** The whole address the client landed on (with `code` and `state`); it holds the code, so it is a secret too. */
    authorizationResponseUrl: optionalText(
        httpUrl('authorizationResponseUrl', 8192, 'https://agency.example.com/pinterest/connected?code=…&state=…'),
    ),
});

export type ConnectAccountInput = z.infer<typeof connectAccountInput>;

/** What the mode needs beyond single fields, said before any request. */
export function connectAccountProblems(raw: Record<string, unknown>): string[] {
    const given = (field: string) => blankToUndefined(raw[field]) !== undefined;
    const problems: string[] = [];
    const missing = ['appId', 'appSecret', 'redirectUri', 'label'].filter((field) => !given(field));
    if (missing.length > 0) problems.push(`connect-account needs ${missing.join(', ')}`);
    if (given('code') && given('authorizationResponseUrl')) problems.push('give code or authorizationResponseUrl, not both');
    return problems;
}
