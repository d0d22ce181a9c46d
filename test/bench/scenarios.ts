/**
 * What `npm run bench` measures: each scenario is one Actor input and the plain script it is compared with.
 * Adding a scenario is one entry here (and, if no existing baseline fits, one function in baseline.mjs).
 */

/** The seeded account every scenario runs against (see run.ts). */
export interface BenchAccount {
    baseUrl: string;
    token: string;
    /** Holds `BIG_BOARD_PINS` pins. */
    bigBoardId: string;
    /** Accounts whose `ANALYTICS_PINS` pins have analytics, with and without Pinterest's multi-pin access. */
    analytics: { multiPin: AnalyticsBenchAccount; perPin: AnalyticsBenchAccount };
}

export interface AnalyticsBenchAccount {
    token: string;
    boardId: string;
}

/** Arguments for one function of baseline.mjs, named by `baseline`. */
export type BaselinePlan = { baseline: string } & Record<string, unknown>;

export interface Scenario {
    /** Stable: the results go to bench/results/<id>.json. */
    id: string;
    title: string;
    /** The Actor's input, without the token. */
    input: (account: BenchAccount) => Record<string, unknown>;
    /** Requests the Actor should need at most: ceil(n/250) pages plus the one start-up check. */
    idealRequests: number;
    baseline: (account: BenchAccount) => BaselinePlan;
    /** Runs of each side; the table shows the median. Long scenarios run once. */
    runs: number;
    /** For write scenarios: how many pins each side creates, to report pins per second against the limit. */
    writes?: number;
    /** Only the in-memory local storage: where the run's time is the API's, not the local dataset files'. */
    memoryStorageOnly?: boolean;
}

export const BOARD_COUNT = 300;
export const BIG_BOARD_PINS = 10_000;
/** Pins of the bulk-creation scenario, and the emulated write limit they meet (per second). */
export const BULK_PINS = 200;
export const WRITE_LIMIT_PER_SECOND = 10;
export const ANALYTICS_PINS = 500;
/** The per-pin fallback is a request per pin whatever the count: fewer pins show its pacing in less bench time. */
export const PER_PIN_ANALYTICS_PINS = 200;

/** The analytics range and metrics both sides ask for: the 30 days ending yesterday (the Actor's default). */
export function analyticsRange(now = Date.now()): { start_date: string; end_date: string; metric_types: string } {
    const day = (offset: number) => new Date((Math.floor(now / 86_400_000) + offset) * 86_400_000).toISOString().slice(0, 10);
    return { start_date: day(-30), end_date: day(-1), metric_types: 'IMPRESSION,SAVE,PIN_CLICK,OUTBOUND_CLICK' };
}

const bulkPins = (account: BenchAccount, prefix: string) =>
    Array.from({ length: BULK_PINS }, (_, index) => ({
        boardId: account.bigBoardId,
        pinTitle: `${prefix} ${index + 1}`,
        imageUrl: `https://example.com/bulk-${index + 1}.jpg`,
    }));

/** A list of n items through the API's largest page (250), plus the preflight request. */
const pagesOf250 = (items: number) => Math.ceil(items / 250) + 1;

const listBoardsBaseline =
    (maxItems: number) =>
    (account: BenchAccount): BaselinePlan => ({
        baseline: 'listSequential',
        baseUrl: account.baseUrl,
        token: account.token,
        path: '/boards',
        maxItems,
    });

/** get-user-pins of the big board with metrics, against the quickstart's paging of the same board. */
const userPinsScenario = (maxItems: number, runs: number): Scenario => ({
    id: `get-user-pins-${maxItems}`,
    title: `get-user-pins, ${maxItems.toLocaleString('en-US')} with metrics`,
    input: (account) => ({ mode: 'get-user-pins', boardId: account.bigBoardId, maxItems, includeMetrics: true }),
    idealRequests: pagesOf250(maxItems),
    baseline: (account) => ({
        baseline: 'listSequential',
        baseUrl: account.baseUrl,
        token: account.token,
        path: `/boards/${account.bigBoardId}/pins`,
        query: { pin_metrics: true },
        maxItems,
    }),
    runs,
});

export const SCENARIOS: Scenario[] = [
    {
        id: 'list-boards-25',
        title: 'list-boards, 25',
        input: () => ({ mode: 'list-boards', maxItems: 25 }),
        idealRequests: pagesOf250(25),
        baseline: listBoardsBaseline(25),
        runs: 5,
    },
    {
        id: 'list-boards-260',
        title: 'list-boards, 260',
        input: () => ({ mode: 'list-boards', maxItems: 260 }),
        idealRequests: pagesOf250(260),
        baseline: listBoardsBaseline(260),
        runs: 5,
    },
    {
        id: 'list-boards-300',
        title: 'list-boards, all 300',
        input: () => ({ mode: 'list-boards', maxItems: 1000 }),
        idealRequests: pagesOf250(BOARD_COUNT),
        baseline: listBoardsBaseline(1000),
        runs: 5,
    },
    userPinsScenario(250, 5),
    userPinsScenario(BIG_BOARD_PINS, 1),
    {
        id: 'create-pin',
        title: 'create-pin, 1',
        input: (account) => ({ mode: 'create-pin', boardId: account.bigBoardId, pinTitle: 'Bench', imageUrl: 'https://example.com/bench.jpg' }),
        idealRequests: 2,
        baseline: (account) => ({
            baseline: 'createPin',
            baseUrl: account.baseUrl,
            token: account.token,
            body: { board_id: account.bigBoardId, title: 'Bench', media_source: { source_type: 'image_url', url: 'https://example.com/bench.jpg' } },
        }),
        runs: 5,
    },
    {
        id: 'create-pin-200',
        title: `create-pin, ${BULK_PINS} pins at ${WRITE_LIMIT_PER_SECOND} writes/s`,
        // A fresh title per run: every run's ledger starts empty, but the board keeps what earlier runs posted.
        input: (account) => ({ mode: 'create-pin', pins: bulkPins(account, `Bulk ${Date.now()}`) }),
        idealRequests: BULK_PINS + 1,
        baseline: (account) => ({
            baseline: 'createPinsSequentially',
            baseUrl: account.baseUrl,
            token: account.token,
            bodies: bulkPins(account, `Sequential ${Date.now()}`).map((pin) => ({
                board_id: pin.boardId,
                title: pin.pinTitle,
                media_source: { source_type: 'image_url', url: pin.imageUrl },
            })),
        }),
        runs: 1,
        writes: BULK_PINS,
        memoryStorageOnly: true,
    },
    {
        id: 'pin-analytics-500',
        title: `get-pin-analytics, ${ANALYTICS_PINS} pins, multi-pin access`,
        input: (account) => ({
            mode: 'get-pin-analytics',
            accessToken: account.analytics.multiPin.token,
            boardId: account.analytics.multiPin.boardId,
            maxItems: ANALYTICS_PINS,
        }),
        // Start-up check, the board's name (for the report), 2 pages of pins, 5 multi-pin requests for the range and 5 for the period before it.
        idealRequests: pagesOf250(ANALYTICS_PINS) + 1 + 2 * Math.ceil(ANALYTICS_PINS / 100),
        baseline: (account) => ({
            baseline: 'pinAnalyticsPerPin',
            baseUrl: account.baseUrl,
            token: account.analytics.multiPin.token,
            boardId: account.analytics.multiPin.boardId,
            maxItems: ANALYTICS_PINS,
            query: analyticsRange(),
        }),
        runs: 1,
        memoryStorageOnly: true,
    },
    {
        id: 'pin-analytics-200-per-pin',
        title: `get-pin-analytics, ${PER_PIN_ANALYTICS_PINS} pins, no multi-pin access`,
        input: (account) => ({
            mode: 'get-pin-analytics',
            accessToken: account.analytics.perPin.token,
            boardId: account.analytics.perPin.boardId,
            maxItems: PER_PIN_ANALYTICS_PINS,
        }),
        // Start-up check, the board's name (for the report), 1 page of pins, the one refused multi-pin request, then one request per pin.
        idealRequests: pagesOf250(PER_PIN_ANALYTICS_PINS) + 2 + PER_PIN_ANALYTICS_PINS,
        baseline: (account) => ({
            baseline: 'pinAnalyticsPerPin',
            baseUrl: account.baseUrl,
            token: account.analytics.perPin.token,
            boardId: account.analytics.perPin.boardId,
            maxItems: PER_PIN_ANALYTICS_PINS,
            query: analyticsRange(),
        }),
        runs: 1,
        memoryStorageOnly: true,
    },
];
