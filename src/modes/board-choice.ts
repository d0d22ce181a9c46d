import { ActorError } from '../common/errors.js';
import type { PinterestClient } from '../pinterest/client.js';
import { BoardDirectory } from '../publish/boards.js';

/** The board a reading run is about: given by ID, or by name (then the boards are listed once to find it). */
export interface ChosenBoard {
    id: string;
    /** Its name, when the input gave it. */
    name?: string;
    /** How the run's summary names it: `board 549755885175`, or `board "Summer Recipes" (549755885175)`. */
    label: string;
}

/** boardId and boardName are two ways to say one board: the input check says so before any request. */
export function boardChoiceProblems(raw: Record<string, unknown>): string[] {
    const given = (field: string) => typeof raw[field] === 'string' && String(raw[field]).trim() !== '';
    return given('boardId') && given('boardName') ? ['give boardId or boardName, not both'] : [];
}

/**
 * The board of `boardId`, else the one `boardName` names, else undefined (the whole account). An unknown or
 * ambiguous name stops the run before anything is read or charged, with the closest names the account has.
 */
export async function chooseBoard(client: PinterestClient, input: { boardId?: string; boardName?: string }): Promise<ChosenBoard | undefined> {
    if (input.boardId) return { id: input.boardId, label: `board ${input.boardId}` };
    if (!input.boardName) return undefined;
    const lookup = await new BoardDirectory(client, { createMissing: false, dryRun: true }).resolve(input.boardName);
    // The directory's advice for a missing board is create-pin's (createMissingBoards): a reading run can only fix the name.
    if (!lookup.ok)
        throw new ActorError(`${lookup.problem.replace(/, or set createMissingBoards to true to create it$/, ' (list-boards shows them all)')}.`);
    return { id: lookup.boardId, name: input.boardName, label: `board "${input.boardName}" (${lookup.boardId})` };
}
