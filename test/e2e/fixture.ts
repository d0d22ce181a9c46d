import { type PinterestEmulator, startEmulator } from '../emulator/index.js';

/** Every scope the Actor's modes and its preflight use. */
export const ALL_SCOPES = ['boards:read', 'boards:write', 'pins:read', 'pins:write', 'user_accounts:read'];

export interface AccountFixture {
    emulator: PinterestEmulator;
    app: { appId: string; appSecret: string };
    userId: string;
    token: string;
    boardId: string;
}

export interface AccountOptions {
    username: string;
    /** Pins on the account's board. */
    pins?: number;
    /** The emulator's clock (ms); tests that move time pass the clock they give the Actor too. */
    now?: () => number;
}

/** A fresh emulator with one app, one user with a full-scope token, and one board holding `pins` pins. */
export async function startWithAccount({ username, pins = 0, now }: AccountOptions): Promise<AccountFixture> {
    const emulator = await startEmulator(now ? { now } : {});
    const app = emulator.state.createApp({});
    const userId = emulator.state.createUser({ username }).id;
    const token = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES }).accessToken;
    const boardId = emulator.state.createBoard(userId, { name: `${username} board` }).id;
    if (pins > 0) emulator.state.createPins(boardId, pins);
    return { emulator, app, userId, token, boardId };
}
