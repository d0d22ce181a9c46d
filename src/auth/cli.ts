/**
 * `npm run auth`: get an access token and a refresh token for your own Pinterest app, to paste into the
 * Actor's input. Reads PINTEREST_APP_ID and PINTEREST_APP_SECRET from the environment (or asks for them).
 *
 *   PINTEREST_APP_ID=… PINTEREST_APP_SECRET=… npm run auth -- [--port 8085] [--sandbox] [--scopes a,b,c]
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';

import { apiBaseUrl } from '../run/connect.js';
import { DEFAULT_SCOPES, runAuthorizationFlow } from './flow.js';

const { values } = parseArgs({
    options: {
        port: { type: 'string', default: '8085' },
        sandbox: { type: 'boolean', default: false },
        scopes: { type: 'string', default: DEFAULT_SCOPES.join(',') },
    },
});

async function ask(question: string): Promise<string> {
    const readline = createInterface({ input: process.stdin, output: process.stdout });
    try {
        return (await readline.question(question)).trim();
    } finally {
        readline.close();
    }
}

const appId = process.env.PINTEREST_APP_ID?.trim() || (await ask('Pinterest App ID: '));
const appSecret = process.env.PINTEREST_APP_SECRET?.trim() || (await ask('Pinterest App secret key: '));
const environment = values.sandbox ? 'sandbox' : 'production';
const port = Number(values.port);

console.log(`\nIn your app at developers.pinterest.com, add this redirect URI if it is not there yet: http://localhost:${port}/\n`);

try {
    const tokens = await runAuthorizationFlow({
        app: { appId, appSecret },
        apiBaseUrl: apiBaseUrl(environment),
        port,
        scopes: values.scopes
            .split(',')
            .map((scope) => scope.trim())
            .filter(Boolean),
        onAuthorizeUrl: (url) => console.log(`Open this link, sign in to Pinterest and choose "Give access":\n\n  ${url}\n\nWaiting for Pinterest…`),
    });
    const days = (seconds: number | undefined) => (seconds ? `${Math.round(seconds / 86_400)} days` : 'unknown');
    console.log(`\nGranted scopes: ${tokens.scope ?? 'not stated'}`);
    console.log(`Access token valid for ${days(tokens.expires_in)}, refresh token for ${days(tokens.refresh_token_expires_in)}.\n`);
    console.log('Paste this into the Actor input (keep it private; the app secret is the one you already have):\n');
    console.log(
        JSON.stringify(
            { environment, accessToken: tokens.access_token, refreshToken: tokens.refresh_token, appId, appSecret: '<your app secret>' },
            null,
            2,
        ),
    );
} catch (error) {
    console.error(`\n${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
}
