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
}

export const BOARD_COUNT = 300;
export const BIG_BOARD_PINS = 10_000;

/** A list of n items through the API's largest page (250), plus the preflight request. */
const pagesOf250 = (items: number) => Math.ceil(items / 250) + 1;

const listBoardsBaseline = (maxItems: number) => (account: BenchAccount): BaselinePlan => ({
    baseline: 'listSequential',
    baseUrl: account.baseUrl,
    token: account.token,
    path: '/boards',
    maxItems,
});

export const SCENARIOS: Scenario[] = [
    { id: 'list-boards-25', title: 'list-boards, 25', input: () => ({ mode: 'list-boards', maxItems: 25 }), idealRequests: pagesOf250(25), baseline: listBoardsBaseline(25), runs: 5 },
    { id: 'list-boards-260', title: 'list-boards, 260', input: () => ({ mode: 'list-boards', maxItems: 260 }), idealRequests: pagesOf250(260), baseline: listBoardsBaseline(260), runs: 5 },
    {
        id: 'list-boards-300',
        title: 'list-boards, all 300',
        input: () => ({ mode: 'list-boards', maxItems: 1000 }),
        idealRequests: pagesOf250(BOARD_COUNT),
        baseline: listBoardsBaseline(1000),
        runs: 5,
    },
    {
        id: 'get-user-pins-250',
        title: 'get-user-pins, 250 with metrics',
        input: (account) => ({ mode: 'get-user-pins', boardId: account.bigBoardId, maxItems: 250, includeMetrics: true }),
        idealRequests: pagesOf250(250),
        baseline: (account) => ({
            baseline: 'listSequential',
            baseUrl: account.baseUrl,
            token: account.token,
            path: `/boards/${account.bigBoardId}/pins`,
            query: { pin_metrics: true },
            maxItems: 250,
        }),
        runs: 5,
    },
    {
        id: 'get-user-pins-10000',
        title: 'get-user-pins, 10,000 with metrics',
        input: (account) => ({ mode: 'get-user-pins', boardId: account.bigBoardId, maxItems: BIG_BOARD_PINS, includeMetrics: true }),
        idealRequests: pagesOf250(BIG_BOARD_PINS),
        baseline: (account) => ({
            baseline: 'listSequential',
            baseUrl: account.baseUrl,
            token: account.token,
            path: `/boards/${account.bigBoardId}/pins`,
            query: { pin_metrics: true },
            maxItems: BIG_BOARD_PINS,
        }),
        runs: 1,
    },
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
];
