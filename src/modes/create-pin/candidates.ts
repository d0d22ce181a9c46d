import type { Log } from '../../common/log.js';
import {
    BOARD_INTERVAL_LIMITS,
    BOARDS_LIMITS,
    checkDraft,
    type FieldLabels,
    type PinDraft,
    pinDraftShape,
    sourcePrefix,
} from '../../publish/draft.js';
import { formatInZone, parsePublishAt } from '../../schedule/time.js';
import type { AccountPart } from '../types.js';
import { type CreatePinInput, SINGLE_PIN_MARKERS } from './input.js';

/** A further board of a pin with `boards`: its row's position, the board (an ID or a name), and how many days after the first. */
export interface BoardSave {
    position: number;
    board: string;
    /** 1 for the second board, 2 for the third, ...: the save goes `boardIntervalDays × index` days after the first pin. */
    index: number;
    intervalDays: number;
}

/** A board as `boards` names it: digits are an ID, anything else a name. */
export const boardRef = (board: string): Pick<PinDraft, 'boardId' | 'boardName'> => (/^\d+$/.test(board) ? { boardId: board } : { boardName: board });

/** One pin of the input, read and checked: ready to publish or queue, or the problems that stop it. */
export type PinCandidate =
    | {
          position: number;
          source: string;
          draft: PinDraft;
          /** `boards`: the further boards, each saved from the first board's pin later (one row each, after the pin's). */
          saves?: BoardSave[];
          /** The pin's own publishAt, placed on the timeline. */
          explicitAt?: number;
          /** For the row of a dry run: the pin's own time has passed, so a real run posts it now. */
          note?: string;
      }
    | { position: number; source: string; problems: string[]; raw?: Partial<PinDraft> };

/** Past times named one by one in the log; beyond this many, one sentence counts the rest. */
const PAST_TIMES_NAMED = 10;

/**
 * Every pin of the input in order: the top-level pin, then `pins`, then the CSV's rows. Problems name the field as
 * the source calls it (the CSV's columns), and a pin whose own time has passed is said to post now.
 */
export async function* pinCandidates(input: CreatePinInput, log: Log, now: () => number, account?: AccountPart): AsyncGenerator<PinCandidate> {
    let position = 0;
    /**
     * With several accounts, each account's part takes the pins that name it; a pin naming no account of the run
     * fails in the first account's part (so it is told once). Positions count the part's own pins.
     */
    const owner = (named: unknown): 'mine' | 'other' | string => {
        if (!account) return 'mine';
        const label = typeof named === 'string' ? named.trim() : '';
        const known = account.labels.find((each) => each.toLowerCase() === label.toLowerCase());
        if (known) return known.toLowerCase() === account.label.toLowerCase() ? 'mine' : 'other';
        if (!account.first) return 'other';
        return label
            ? `account "${label}" is not one of the run's accounts (${account.labels.join(', ')})`
            : `account is required when accounts lists more than one account: name one of ${account.labels.join(', ')}`;
    };
    const leftOut = new Set<string>();
    let pastTimes = 0;
    const checked = (source: string, raw: unknown, labels?: FieldLabels): PinCandidate => {
        position += 1;
        const check = checkDraft(raw, labels);
        const fresh = check.ignored.filter((name) => !leftOut.has(name));
        if (fresh.length > 0) {
            for (const name of fresh) leftOut.add(name);
            log.warning(
                `${source}: left out ${fresh.join(', ')}: output-row fields that say what became of a pin, not what to publish (and so for every pin after it).`,
            );
        }
        if (!check.ok) return { position, source, problems: check.problems, raw: check.draft };
        const { draft, saves } = spreadBoards(check.draft, position, source);
        // The further boards take the rows right after the pin's, so positions stay the same across restarts.
        position += saves?.length ?? 0;
        if (!draft.publishAt) return { position: position - (saves?.length ?? 0), source, draft, saves };
        const field = labels?.publishAt ?? 'publishAt';
        const parsed = parsePublishAt(draft.publishAt, input.timeZone, field);
        if (!parsed.ok) return { position, source, problems: [parsed.problem], raw: draft };
        // A wall-clock time in a clock change (a gap or an overlap): say which instant it became.
        if (parsed.note) log.info(`${sourcePrefix(source)}${parsed.note}.`);
        const own = position - (saves?.length ?? 0);
        if (parsed.epochMs > now()) return { position: own, source, draft, saves, explicitAt: parsed.epochMs };
        const past = `${field} ${formatInZone(parsed.epochMs, input.timeZone)} is in the past`;
        pastTimes += 1;
        if (pastTimes <= PAST_TIMES_NAMED) log.warning(`${sourcePrefix(source)}${past}: the pin ${input.dryRun ? 'would post' : 'posts'} now.`);
        return { position: own, source, draft, saves, explicitAt: parsed.epochMs, note: `${past}: a real run would post it now.` };
    };
    let manyBoardsWarned = false;
    /** A pin with `boards`: the first board's pin, and the saves to the others. */
    const spreadBoards = (given: PinDraft, first: number, source: string): { draft: PinDraft; saves?: BoardSave[] } => {
        if (!given.boards) return { draft: given };
        const { boards, boardIntervalDays, ...rest } = given;
        if (boards.length > BOARDS_LIMITS.warnAbove && !manyBoardsWarned) {
            manyBoardsWarned = true;
            log.warning(
                `${sourcePrefix(source)}boards names ${boards.length} boards: Pinterest advises saving a pin to at most ${BOARDS_LIMITS.warnAbove} boards, as more can look like spam.`,
            );
        }
        const intervalDays = boardIntervalDays ?? BOARD_INTERVAL_LIMITS.default;
        const saves = boards.slice(1).map((board, index) => ({ position: first + index + 1, board, index: index + 1, intervalDays }));
        return { draft: { ...rest, ...boardRef(boards[0]!) }, saves };
    };
    if (SINGLE_PIN_MARKERS.some((field) => input[field] !== undefined) && (!account || account.first)) {
        yield checked('input', Object.fromEntries(Object.keys(pinDraftShape).map((field) => [field, input[field as keyof PinDraft]])));
    }
    for (const [index, raw] of (input.pins ?? []).entries()) {
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
            if (owner(undefined) !== 'other') {
                yield { position: ++position, source: `pins[${index}]`, problems: ['each item of pins must be an object of pin fields'] };
            }
            continue;
        }
        const { account: named, ...pin } = raw as Record<string, unknown>;
        const whose = owner(account && account.labels.length === 1 && named === undefined ? account.label : named);
        if (whose === 'other') continue;
        yield whose === 'mine' ? checked(`pins[${index}]`, pin) : { position: ++position, source: `pins[${index}]`, problems: [whose] };
    }
    if (input.pinsCsv || input.pinsCsvUrl) {
        // CSV support is loaded only by runs that read a CSV.
        const { readPinsCsv, openCsvUrl, CSV_FIELD_LABELS } = await import('../../publish/csv.js');
        const source = input.pinsCsvUrl ? await openCsvUrl(input.pinsCsvUrl) : (input.pinsCsv ?? '');
        const warned = new Set<string>();
        const onWarning = (message: string) => {
            if (!warned.has(message)) log.warning(message);
            warned.add(message);
        };
        for await (const row of readPinsCsv(source, { onWarning, fieldName: input.pinsCsvUrl ? 'pinsCsvUrl' : 'pinsCsv' })) {
            const label = `CSV row ${row.rowNumber}`;
            if ('problem' in row) {
                if (owner(undefined) !== 'other') yield { position: ++position, source: label, problems: [row.problem], raw: row.draft };
                continue;
            }
            const whose = owner(account && account.labels.length === 1 && row.account === undefined ? account.label : row.account);
            if (whose === 'other') continue;
            yield whose === 'mine'
                ? checked(label, row.draft, CSV_FIELD_LABELS)
                : { position: ++position, source: label, problems: [whose.replace(/^account/, 'Account')], raw: row.draft };
        }
    }
    if (pastTimes > PAST_TIMES_NAMED) {
        log.warning(`${pastTimes - PAST_TIMES_NAMED} more pins have a publish time in the past and ${input.dryRun ? 'would post' : 'post'} now.`);
    }
}
