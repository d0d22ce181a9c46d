import { distance } from 'fastest-levenshtein';

import type { PinterestClient } from '../pinterest/client.js';
import type { Board, BoardSection } from '../pinterest/schemas.js';

/** How many boards the name lookup reads at most; Pinterest accounts rarely have more than a few hundred. */
const MAX_BOARDS = 10_000;
/** How many sections of one board are read at most; boards rarely have more than a few dozen. */
const MAX_SECTIONS = 10_000;
/** The id a dry run gives a board or section it would create. */
const WOULD_CREATE = 'new';

export type BoardLookup = { ok: true; boardId: string; created?: boolean } | { ok: false; problem: string };
export type SectionLookup = { ok: true; sectionId: string; created?: boolean } | { ok: false; problem: string };

/** Every section of a board, in Pinterest's order, page by page (the API's pages hold 25 unless asked for more). */
export async function listAllSections(client: Pick<PinterestClient, 'listBoardSections'>, boardId: string): Promise<BoardSection[]> {
    const sections: BoardSection[] = [];
    for await (const page of client.listBoardSections(boardId, { maxItems: MAX_SECTIONS })) sections.push(...page.items);
    return sections;
}

const normalize = (name: string) => name.trim().toLowerCase();

/**
 * Resolves board names to ids for one run: the user's boards are listed once, however many pins name them, and
 * a missing board is created at most once per name (when the user allows it).
 */
export class BoardDirectory {
    private boards?: Promise<Map<string, Board[]>>;
    private readonly creating = new Map<string, Promise<BoardLookup>>();
    /** Each board's sections by normalised name, listed once per run. */
    private readonly sections = new Map<string, Promise<Map<string, BoardSection[]>>>();
    private readonly creatingSections = new Map<string, Promise<SectionLookup>>();

    constructor(
        private readonly client: Pick<PinterestClient, 'listBoards' | 'createBoard' | 'listBoardSections' | 'createBoardSection'>,
        private readonly options: { createMissing: boolean; createMissingSections?: boolean; dryRun: boolean },
    ) {}

    /** `create: false`: never create the board, whatever the run allows (a board to read from, not to pin on). */
    async resolve(name: string, { create }: { create?: false } = {}): Promise<BoardLookup> {
        const byName = await (this.boards ??= this.load());
        const creating = this.options.createMissing && create !== false;
        const match = findByName(name, byName, {
            field: 'boardName',
            among: 'one of your boards',
            several: 'boards',
            instead: 'boardId',
            none: 'the account has no boards yet',
            createWith: create === false ? undefined : 'createMissingBoards',
        });
        if ('id' in match) return { ok: true, boardId: match.id };
        return match.missing && creating ? this.create(name.trim(), byName) : { ok: false, problem: match.problem };
    }

    /**
     * The id of the section called `name` (ignoring case and surrounding spaces) on board `boardId`. Each board's
     * sections are listed once per run; a missing one is created at most once per board and name when allowed.
     */
    async resolveSection(boardId: string, name: string): Promise<SectionLookup> {
        // A board a dry run would create has no sections yet.
        const byName = boardId === WOULD_CREATE ? new Map<string, BoardSection[]>() : await this.sectionsOf(boardId);
        const match = findByName(name, byName, {
            field: 'boardSectionName',
            among: `a section of board ${boardId}`,
            several: `sections of board ${boardId}`,
            instead: 'boardSectionId',
            none: 'the board has no sections yet',
            createWith: 'createMissingSections',
        });
        if ('id' in match) return { ok: true, sectionId: match.id };
        return match.missing && this.options.createMissingSections
            ? this.createSection(boardId, name.trim(), byName)
            : { ok: false, problem: match.problem };
    }

    private create(name: string, byName: Map<string, Board[]>): Promise<BoardLookup> {
        const key = normalize(name);
        let pending = this.creating.get(key);
        if (!pending) {
            pending = this.options.dryRun
                ? Promise.resolve<BoardLookup>({ ok: true, boardId: WOULD_CREATE, created: true })
                : this.client.createBoard({ name }).then((board): BoardLookup => {
                      byName.set(key, [board]);
                      return { ok: true, boardId: board.id, created: true };
                  });
            this.creating.set(key, pending);
        }
        return pending;
    }

    private sectionsOf(boardId: string): Promise<Map<string, BoardSection[]>> {
        let loading = this.sections.get(boardId);
        if (!loading) {
            loading = listAllSections(this.client, boardId).then(byNormalisedName);
            // A failed listing is not remembered: the next pin naming the board tries again.
            loading.catch(() => this.sections.delete(boardId));
            this.sections.set(boardId, loading);
        }
        return loading;
    }

    private createSection(boardId: string, name: string, byName: Map<string, BoardSection[]>): Promise<SectionLookup> {
        const key = `${boardId}\n${normalize(name)}`;
        let pending = this.creatingSections.get(key);
        if (!pending) {
            pending = this.options.dryRun
                ? Promise.resolve<SectionLookup>({ ok: true, sectionId: WOULD_CREATE, created: true })
                : this.client.createBoardSection(boardId, { name }).then(
                      (section): SectionLookup => {
                          byName.set(normalize(name), [section]);
                          return { ok: true, sectionId: section.id, created: true };
                      },
                      // Unanswered, or refused because it exists by now (another run made it): the board's list tells.
                      async (error: unknown): Promise<SectionLookup> => {
                          const listed = await listAllSections(this.client, boardId).catch(() => []);
                          const found = listed.filter((section) => normalize(section.name) === normalize(name));
                          if (found.length !== 1) throw error;
                          byName.set(normalize(name), found);
                          return { ok: true, sectionId: found[0]!.id, created: true };
                      },
                  );
            this.creatingSections.set(key, pending);
        }
        return pending;
    }

    private async load(): Promise<Map<string, Board[]>> {
        const boards: Board[] = [];
        for await (const page of this.client.listBoards({ maxItems: MAX_BOARDS })) boards.push(...page.items);
        return byNormalisedName(boards);
    }
}

interface NameWords {
    /** The input field that named it, and what it should be. */
    field: string;
    among: string;
    several: string;
    /** The field that says which of several. */
    instead: string;
    /** What there is when there is nothing to compare with. */
    none: string;
    /** The flag that would create a missing one, when the caller may offer it. */
    createWith?: string;
}

/** The one thing of this name (ignoring case and surrounding spaces), or a sentence saying what to fix. */
function findByName(
    name: string,
    byName: Map<string, Array<{ id: string; name: string }>>,
    words: NameWords,
): { id: string } | { problem: string; missing: boolean } {
    const matches = byName.get(normalize(name)) ?? [];
    if (matches.length === 1) return { id: matches[0]!.id };
    if (matches.length > 1) {
        const ids = matches.map((match) => match.id).join(', ');
        return {
            problem: `${words.field} "${name}" matches ${matches.length} ${words.several} (${ids}): give ${words.instead} instead to say which`,
            missing: false,
        };
    }
    const closest = closestNames(
        name,
        [...byName.values()].flat().map((match) => match.name),
    );
    const hint = closest.length > 0 ? ` (closest: ${closest.map((candidate) => `"${candidate}"`).join(', ')})` : ` (${words.none})`;
    const create = words.createWith ? `, or set ${words.createWith} to true to create it` : '';
    return { problem: `${words.field} "${name}" is not ${words.among}${hint}: fix the name${create}`, missing: true };
}

/** Boards or sections by normalised name: two may share one. */
function byNormalisedName<T extends { name: string }>(named: T[]): Map<string, T[]> {
    const byName = new Map<string, T[]>();
    for (const item of named) byName.set(normalize(item.name), [...(byName.get(normalize(item.name)) ?? []), item]);
    return byName;
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
