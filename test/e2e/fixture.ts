import { type PinterestEmulator, startEmulator } from '../emulator/index.js';

/** Every scope the Actor's modes and its preflight use. */
export const ALL_SCOPES = ['boards:read', 'boards:write', 'pins:read', 'pins:write', 'user_accounts:read'];

export interface AccountFixture {
    emulator: PinterestEmulator;
    app: { appId: string; appSecret: string };
    userId: string;
    token: string;
    /** The first board. */
    boardId: string;
    /** Every board, by name. */
    boards: Record<string, string>;
}

export interface AccountOptions {
    username: string;
    /** Pins on the account's board. */
    pins?: number;
    /** The emulator's clock (ms); tests that move time pass the clock they give the Actor too. */
    now?: () => number;
    /** The account's boards, by name: the first holds the pins. One named after the user when not given. */
    boardNames?: string[];
}

/** A fresh emulator with one app, one user with a full-scope token, and its boards, the first holding `pins` pins. */
export async function startWithAccount({ username, pins = 0, now, boardNames = [`${username} board`] }: AccountOptions): Promise<AccountFixture> {
    const emulator = await startEmulator(now ? { now } : {});
    const app = emulator.state.createApp({});
    const userId = emulator.state.createUser({ username }).id;
    const token = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES }).accessToken;
    const boards = Object.fromEntries(boardNames.map((name) => [name, emulator.state.createBoard(userId, { name }).id]));
    const boardId = boards[boardNames[0]!]!;
    if (pins > 0) emulator.state.createPins(boardId, pins);
    return { emulator, app, userId, token, boardId, boards };
}

/** A clock a test moves: the emulator reads `now`; `at` moves it and gives the Actor the same time (ACTOR_TEST_NOW). */
export function movableClock() {
    let offsetMs = 0;
    const now = () => Date.now() + offsetMs;
    const at = (iso: string) => {
        offsetMs = Date.parse(iso) - Date.now();
        return { ACTOR_TEST_NOW: new Date(now()).toISOString() };
    };
    return { now, at };
}
