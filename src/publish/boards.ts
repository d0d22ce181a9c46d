import { distance } from 'fastest-levenshtein';

import type { PinterestClient } from '../pinterest/client.js';
import type { Board } from '../pinterest/schemas.js';

/** How many boards the name lookup reads at most; Pinterest accounts rarely have more than a few hundred. */
const MAX_BOARDS = 10_000;

export type BoardLookup = { ok: true; boardId: string; created?: boolean } | { ok: false; problem: string };

const normalize = (name: string) => name.trim().toLowerCase();

/**
 * Resolves board names to ids for one run: the user's boards are listed once, however many pins name them, and
 * a missing board is created at most once per name (when the user allows it).
 */
export class BoardDirectory {
    private boards?: Promise<Map<string, Board[]>>;
    private readonly creating = new Map<string, Promise<BoardLookup>>();

    constructor(
        private readonly client: Pick<PinterestClient, 'listBoards' | 'createBoard'>,
        private readonly options: { createMissing: boolean; dryRun: boolean },
    ) {}

    async resolve(name: string): Promise<BoardLookup> {
        const byName = await (this.boards ??= this.load());
        const matches = byName.get(normalize(name)) ?? [];
        if (matches.length === 1) return { ok: true, boardId: matches[0]!.id };
        if (matches.length > 1) {
            const ids = matches.map((board) => board.id).join(', ');
            return { ok: false, problem: `boardName "${name}" matches ${matches.length} boards (${ids}): give boardId instead to say which` };
        }
        if (this.options.createMissing) return this.create(name.trim(), byName);
        const closest = closestNames(
            name,
            [...byName.values()].flat().map((board) => board.name),
        );
        const hint =
            closest.length > 0 ? ` (closest: ${closest.map((candidate) => `"${candidate}"`).join(', ')})` : ' (the account has no boards yet)';
        return {
            ok: false,
            problem: `boardName "${name}" is not one of your boards${hint}: fix the name, or set createMissingBoards to true to create it`,
        };
    }

    private create(name: string, byName: Map<string, Board[]>): Promise<BoardLookup> {
        const key = normalize(name);
        let pending = this.creating.get(key);
        if (!pending) {
            pending = this.options.dryRun
                ? Promise.resolve<BoardLookup>({ ok: true, boardId: 'new', created: true })
                : this.client.createBoard({ name }).then((board): BoardLookup => {
                      byName.set(key, [board]);
                      return { ok: true, boardId: board.id, created: true };
                  });
            this.creating.set(key, pending);
        }
        return pending;
    }

    private async load(): Promise<Map<string, Board[]>> {
        const byName = new Map<string, Board[]>();
        for await (const page of this.client.listBoards({ maxItems: MAX_BOARDS })) {
            for (const board of page.items) byName.set(normalize(board.name), [...(byName.get(normalize(board.name)) ?? []), board]);
        }
        return byName;
    }
}

/** The three names nearest to `name` by edit distance, nearest first. */
export function closestNames(name: string, candidates: string[]): string[] {
    const target = normalize(name);
    return [...new Set(candidates)]
        .map((candidate) => ({ candidate, score: distance(target, normalize(candidate)) }))
        .sort((a, b) => a.score - b.score)
        .slice(0, 3)
        .map(({ candidate }) => candidate);
}
