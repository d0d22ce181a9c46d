/**
 * Fakes at the seams of the publishing core, for unit tests that drive races and restarts without a process:
 * a clock that only moves when told (or when someone sleeps), a run output with a budget, charges and a dataset
 * whose reads can lag, named stores with hooks around every call, and a Pinterest that creates pins on boards
 * and loses answers on cue.
 */
import { Reservations } from '../../../src/output/budget.js';
import { type ChargeEvent, EVENTS } from '../../../src/output/events.js';
import type { RunOutput } from '../../../src/output/run-output.js';
import type { ListOptions, ListPage } from '../../../src/pinterest/client.js';
import { PinterestError } from '../../../src/pinterest/errors.js';
import { OPERATIONS } from '../../../src/pinterest/operations.js';
import type { Board, BoardSection, Pin, PinCreate } from '../../../src/pinterest/schemas.js';
import type { NamedStore } from '../../../src/storage/contracts.js';
import { memoryNamedStore } from '../../../src/storage/memory-store.js';

/**
 * A clock that moves only by `advance` and by the sleeps of whoever holds it. Sleeps that overlap overlap in time
 * too, as real ones do: each moves the clock to its own end, if that is later.
 */
export function testClock(start = Date.parse('2026-06-01T10:00:00Z')) {
    let now = start;
    return {
        now: () => now,
        advance: (ms: number) => void (now += ms),
        sleep: async (ms: number) => {
            const until = now + ms;
            await new Promise((resolve) => setImmediate(resolve));
            now = Math.max(now, until);
        },
    };
}

export const silentLog = () => {
    const lines: string[] = [];
    return { lines, info: (message: string) => void lines.push(message), warning: (message: string) => void lines.push(`WARN ${message}`) };
};

/** A named store whose calls can be watched and held up: `before` runs ahead of each call and may await anything. */
export function hookedStore(
    store: NamedStore,
    before: (call: { kind: 'get' | 'set' | 'list' | 'delete'; key: string; value?: unknown }) => Promise<void> | void,
): NamedStore & { calls: number } {
    const hooked = {
        calls: 0,
        name: store.name,
        async getValue(key: string) {
            hooked.calls += 1;
            await before({ kind: 'get', key });
            return store.getValue(key);
        },
        async setValue(key: string, value: unknown) {
            hooked.calls += 1;
            await before({ kind: 'set', key, value });
            return store.setValue(key, value);
        },
        async listKeys(options: Parameters<NamedStore['listKeys']>[0]) {
            hooked.calls += 1;
            await before({ kind: 'list', key: options.prefix });
            return store.listKeys(options);
        },
        async delete(key: string) {
            hooked.calls += 1;
            await before({ kind: 'delete', key });
            return store.delete(key);
        },
    };
    return hooked;
}

/** Two named stores that share their records, as one store is shared by overlapping runs. */
export const sharedStore = (records = new Map<string, string>(), name = 'shared') => memoryNamedStore(name, records);

export interface MemoryOutputOptions {
    /** Events the budget pays for, by name (Infinity when absent). */
    budget?: Partial<Record<ChargeEvent, number>>;
    /** Charges made before this process (a restarted platform run sees them). */
    chargedBefore?: Partial<Record<ChargeEvent, number>>;
    /** Whether chargedCount includes earlier processes: true on the platform. */
    knowsEarlierCharges?: boolean;
    /** Items already in the dataset (a restarted run's earlier pushes). */
    items?: Array<Record<string, unknown>>;
    /** Reads see only the items pushed at least this many pushes ago. */
    readLag?: number;
    /** Runs before each push and before each charge; throwing stops the call there, like a killed run. */
    beforePush?: (rows: object[]) => void;
    beforeCharge?: (event: ChargeEvent, count: number) => void;
}

/** A run's output in memory: the dataset, the charges, the budget with its reservations. */
export function memoryOutput(options: MemoryOutputOptions = {}) {
    const items: Array<Record<string, unknown>> = [...(options.items ?? [])];
    const pushSizes: number[] = [];
    const charged: Partial<Record<ChargeEvent, number>> = { ...options.chargedBefore };
    const chargedHere: Partial<Record<ChargeEvent, number>> = {};
    const limit = (event: ChargeEvent) => (options.budget?.[event] ?? Infinity) - (charged[event] ?? 0);
    const reservations = new Reservations(limit);
    const charge = (event: ChargeEvent, count: number) => {
        options.beforeCharge?.(event, count);
        charged[event] = (charged[event] ?? 0) + count;
        chargedHere[event] = (chargedHere[event] ?? 0) + count;
    };
    const output: RunOutput & { items: typeof items; chargedHere: typeof chargedHere; records: Map<string, unknown> } = {
        items,
        chargedHere,
        records: new Map(),
        knowsEarlierCharges: options.knowsEarlierCharges ?? false,
        budgetFor: (event) => reservations.budgetFor(event),
        reserve: (event) => reservations.reserve(event),
        chargedCount: (event) => (output.knowsEarlierCharges ? (charged[event] ?? 0) : (chargedHere[event] ?? 0)),
        async chargeStored(event, count) {
            charge(event, count);
        },
        async readStoredItems(offset, count) {
            const lagging = pushSizes.slice(pushSizes.length - (options.readLag ?? 0)).reduce((sum, size) => sum + size, 0);
            return items.slice(0, Math.max(0, items.length - lagging)).slice(offset, offset + count);
        },
        async pushFetched(rows) {
            return output.pushRows(rows, EVENTS.itemFetched);
        },
        async pushRows(rows, event) {
            if (rows.length === 0) return { delivered: 0, budgetExhausted: false };
            // As the SDK: store what the budget pays for, then charge for exactly those.
            const allowed = event ? Math.max(0, Math.min(rows.length, limit(event))) : rows.length;
            options.beforePush?.(rows.slice(0, allowed));
            items.push(...(rows.slice(0, allowed) as Array<Record<string, unknown>>));
            pushSizes.push(allowed);
            if (event && allowed > 0) charge(event, allowed);
            return { delivered: allowed, budgetExhausted: event ? limit(event) <= 0 : false };
        },
        async saveRecord(key, value) {
            output.records.set(key, value);
        },
        chargedEvents: () => ({ ...charged }),
    };
    return output;
}

export type FakeAnswer =
    /** Pinterest creates the pin and answers. */
    | 'ok'
    /** Pinterest creates the pin, but the answer is lost (a dropped connection, a 5xx after the commit). */
    | 'lost-after-create'
    /** The request reaches Pinterest, which creates nothing, and the answer is lost. */
    | 'lost-before-create'
    /** Pinterest refuses the pin (400). */
    | 'refused'
    /** Pinterest could not fetch the pin's image (400, code 1): often a passing problem of the image's host. */
    | 'image-unfetchable'
    /** Pinterest's spam block (429 with "spam"). */
    | 'spam';

/**
 * Pinterest as the publishing core sees it: boards with pins, newest first, listed 250 a page; `answers` says
 * what happens to each POST in turn (default 'ok'); `onPost` runs when a POST arrives, before anything is decided.
 */
export class FakePinterest {
    private nextId = 9_000_000_000;
    readonly boards = new Map<string, Pin[]>();
    readonly posts: PinCreate[] = [];
    readonly answers: FakeAnswer[] = [];
    onPost?: (body: PinCreate) => Promise<void> | void;

    constructor(private readonly clock: { now: () => number }) {}

    board(id: string, name = `Board ${id}`): this {
        this.boards.set(id, this.boards.get(id) ?? []);
        this.boardNames.set(id, name);
        return this;
    }

    private readonly boardNames = new Map<string, string>();

    /** Puts a pin on a board as someone else (another tool, an earlier post) would. */
    addPin(boardId: string, fields: Partial<Pin>): Pin {
        const pin: Pin = {
            id: String(this.nextId++),
            board_id: boardId,
            created_at: new Date(this.clock.now()).toISOString().slice(0, 19),
            media: { media_type: 'image' },
            ...fields,
        };
        this.boards.get(boardId)!.unshift(pin);
        return pin;
    }

    async createPin(body: PinCreate, options: { beforeSend?: () => Promise<string | undefined> } = {}): Promise<Pin> {
        const withdrawn = await options.beforeSend?.();
        if (withdrawn) throw new PinterestError({ kind: 'not-sent', operation: OPERATIONS.createPin, apiMessage: withdrawn });
        await this.onPost?.(body);
        this.posts.push(body);
        const answer = this.answers.shift() ?? 'ok';
        if (answer === 'refused') throw new PinterestError({ kind: 'bad-request', operation: OPERATIONS.createPin, status: 400, code: 1 });
        if (answer === 'image-unfetchable') {
            const apiMessage = 'Sorry we could not fetch the image.';
            throw new PinterestError({ kind: 'bad-request', operation: OPERATIONS.createPin, status: 400, code: 1, apiMessage });
        }
        if (answer === 'spam') throw new PinterestError({ kind: 'spam-blocked', operation: OPERATIONS.createPin, status: 429 });
        if (answer === 'lost-before-create') throw new PinterestError({ kind: 'outcome-unknown', operation: OPERATIONS.createPin, status: 502 });
        const source = body.media_source as { source_type: string; items?: unknown[] };
        const pin = this.addPin(body.board_id, {
            title: body.title ?? null,
            description: body.description ?? null,
            link: body.link ?? null,
            alt_text: body.alt_text ?? null,
            board_section_id: body.board_section_id ?? null,
            media:
                source.source_type === 'multiple_image_urls'
                    ? { media_type: 'multiple_images', items: source.items as never }
                    : { media_type: 'image' },
        });
        if (answer === 'lost-after-create')
            throw new PinterestError({ kind: 'outcome-unknown', operation: OPERATIONS.createPin, networkCode: 'ECONNRESET' });
        return pin;
    }

    /** `POST /pins/{pin_id}/save`: a copy of the pin on the target board (the saves of `boards`). */
    readonly saves: Array<{ pinId: string; boardId: string }> = [];
    async savePin(pinId: string, target: { board_id: string }, options: { beforeSend?: () => Promise<string | undefined> } = {}): Promise<Pin> {
        const withdrawn = await options.beforeSend?.();
        if (withdrawn) throw new PinterestError({ kind: 'not-sent', operation: OPERATIONS.savePin, apiMessage: withdrawn });
        const original = [...this.boards.values()].flat().find((pin) => pin.id === pinId);
        if (!original) throw new PinterestError({ kind: 'not-found', operation: OPERATIONS.savePin, status: 404 });
        this.saves.push({ pinId, boardId: target.board_id });
        const { id: _id, board_id: _board, ...fields } = original;
        return this.addPin(target.board_id, fields);
    }

    async *listBoardPins(boardId: string, { maxItems, bookmark }: ListOptions): AsyncGenerator<ListPage<Pin>> {
        const pins = this.boards.get(boardId) ?? [];
        let offset = bookmark ? Number(bookmark) : 0;
        while (offset < Math.min(pins.length, maxItems)) {
            const items = pins.slice(offset, Math.min(offset + 250, maxItems));
            offset += items.length;
            yield { items, nextBookmark: offset < pins.length && offset < maxItems ? String(offset) : null };
        }
    }

    async *listBoards(): AsyncGenerator<ListPage<Board>> {
        yield { items: [...this.boardNames].map(([id, name]) => ({ id, name }) as Board), nextBookmark: null };
    }

    async createBoard({ name }: { name: string }): Promise<Board> {
        const id = String(this.nextId++);
        this.board(id, name);
        return { id, name } as Board;
    }

    readonly sections = new Map<string, BoardSection[]>();

    async *listBoardSections(boardId: string): AsyncGenerator<ListPage<BoardSection>> {
        yield { items: this.sections.get(boardId) ?? [], nextBookmark: null };
    }

    async createBoardSection(boardId: string, { name }: { name: string }): Promise<BoardSection> {
        const section = { id: String(this.nextId++), name } as BoardSection;
        this.sections.set(boardId, [...(this.sections.get(boardId) ?? []), section]);
        return section;
    }

    pinsOn(boardId: string): Pin[] {
        return this.boards.get(boardId) ?? [];
    }
}
