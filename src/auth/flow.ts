import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { authorizationUrl, DEFAULT_SCOPES } from '../pinterest/authorize.js';
import { type AppCredentials, PinterestClient } from '../pinterest/client.js';
import type { TokenResponse } from '../pinterest/schemas.js';

export { AUTHORIZE_URL, DEFAULT_SCOPES } from '../pinterest/authorize.js';

export interface AuthorizationFlowOptions {
    app: AppCredentials;
    /** Pinterest API base URL for the code exchange (production, sandbox or an emulator). */
    apiBaseUrl: string;
    scopes?: string[];
    /** Local port for the redirect; 0 picks a free one. The redirect URI must be registered in the app. */
    port?: number;
    /** Called with the URL the user must open to grant access. */
    onAuthorizeUrl: (url: string) => void;
    timeoutMs?: number;
}

/**
 * The OAuth authorization-code flow for a user's own app: listen on a local redirect URI, send the user to
 * Pinterest's consent page, take the code from the redirect (checking `state`), and exchange it for tokens.
 */
export async function runAuthorizationFlow(options: AuthorizationFlowOptions): Promise<TokenResponse> {
    const state = randomBytes(16).toString('hex');
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 8085, '127.0.0.1', resolve);
    });
    const redirectUri = `http://localhost:${(server.address() as AddressInfo).port}/`;

    try {
        const code = waitForCode(server, state, options.timeoutMs ?? 5 * 60_000);
        options.onAuthorizeUrl(authorizationUrl({ appId: options.app.appId, redirectUri, scopes: options.scopes ?? DEFAULT_SCOPES, state }));

        const client = new PinterestClient({ baseUrl: options.apiBaseUrl });
        return await client.exchangeAuthorizationCode(options.app, await code, redirectUri);
    } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
    }
}

function waitForCode(server: Server, expectedState: string, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(
            () => reject(new Error(`No answer from Pinterest within ${Math.round(timeoutMs / 1000)} s: run the command again and open the link.`)),
            timeoutMs,
        );
        server.on('request', (request, response) => {
            const url = new URL(request.url ?? '/', 'http://localhost');
            const code = url.searchParams.get('code');
            const error = url.searchParams.get('error');
            if (!code && !error) {
                response.writeHead(404).end();
                return;
            }
            const finish = (status: number, message: string) => {
                response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
                response.end(`<!doctype html><title>Pinterest authorisation</title><p style="font:16px sans-serif">${message}</p>`);
            };
            clearTimeout(timer);
            if (url.searchParams.get('state') !== expectedState) {
                finish(400, 'This answer does not belong to the running authorisation. Start again.');
                reject(new Error('The redirect carried an unexpected state value, so it was ignored: run the command again.'));
            } else if (error || !code) {
                finish(400, 'Access was not granted. You can close this tab.');
                reject(new Error(`Pinterest did not grant access (${error ?? 'no code'}): run the command again and choose "Give access".`));
            } else {
                finish(200, 'Done: you can close this tab and go back to the terminal.');
                resolve(code);
            }
        });
    });
}
