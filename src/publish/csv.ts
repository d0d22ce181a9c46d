import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';

import { CsvError, parse } from 'csv-parse';

import { ActorError } from '../common/errors.js';
import { downloadToTempFile } from './download.js';
import type { FieldLabels } from './draft.js';
import { plural } from '../common/text.js';

/**
 * Pinterest's bulk-create CSV (the file its "Create Pins in bulk" page takes), read row by row into pin drafts
 * with the Actor's field names. Only structure is checked here; the caller validates the drafts like any pin.
 */

/** The CSV as a whole cannot be read as pins: no header, or a header without the columns every pin needs. */
export class CsvFormatError extends ActorError {
    override name = 'CsvFormatError';
}

export type CsvDraftField =
    'pinTitle' | 'pinDescription' | 'linkUrl' | 'boardName' | 'boardSectionName' | 'publishAt' | 'imageUrl' | 'videoUrl' | 'coverImageUrl';
export type CsvPinDraft = Partial<Record<CsvDraftField, string>>;

/** A data row as a pin draft. `rowNumber` is the row as a spreadsheet shows it: the header is row 1. */
export interface CsvPinRow {
    rowNumber: number;
    draft: CsvPinDraft;
    /** The Account column: the label of the account (of the `accounts` input) the pin is for. */
    account?: string;
}

/** A row that could not be read as a pin, with the reason as one sentence, and its title and media where they could be read. */
export interface CsvRowProblem {
    rowNumber: number;
    problem: string;
    draft?: CsvPinDraft;
}

export interface ReadPinsCsvOptions {
    /** Called at most once per kind of warning (an ignored Keywords column, unrecognised columns). */
    onWarning: (message: string) => void;
    /** The input field the CSV came from, for messages. Default `pinsCsv`. */
    fieldName?: string;
}

/**
 * Columns of Pinterest's bulk-create template, in its order, and Section, the Actor's addition: the name of the
 * board section the pin goes to.
 */
const COLUMNS = [
    'Title',
    'Media URL',
    'Pinterest board',
    'Thumbnail',
    'Description',
    'Link',
    'Publish date',
    'Keywords',
    'Section',
    'Account',
] as const;
type Column = (typeof COLUMNS)[number];
/** For messages: Pinterest's columns, and ours after them. */
const COLUMN_NAMES = `${COLUMNS.slice(0, -2).join(', ')}, Section for a board section, and Account for the account a pin is for`;

/**
 * A pin cannot exist without media or a board, so a file without those columns is a wrong file, not a file of
 * bad rows. Title is optional in API v5 (Pinterest's own uploader insists on it), so a file without it is accepted.
 */
const REQUIRED_COLUMNS: readonly Column[] = ['Media URL', 'Pinterest board'];

const FIELD_OF: Record<Exclude<Column, 'Media URL' | 'Keywords' | 'Account'>, CsvDraftField> = {
    Title: 'pinTitle',
    'Pinterest board': 'boardName',
    Thumbnail: 'coverImageUrl',
    Description: 'pinDescription',
    Link: 'linkUrl',
    'Publish date': 'publishAt',
    Section: 'boardSectionName',
};

/** The columns' names for the pin fields they fill: a row's problems name the column the user sees, not the field. */
export const CSV_FIELD_LABELS: FieldLabels = {
    ...Object.fromEntries(Object.entries(FIELD_OF).map(([column, field]) => [field, column])),
    imageUrl: 'Media URL',
    videoUrl: 'Media URL',
};

/**
 * Separators spreadsheets write: Excel saves "CSV" with semicolons where the decimal mark is a comma (most of
 * Europe, Latin America), and a copy from Google Sheets or Excel pastes as tab-separated text.
 */
const SEPARATORS = [',', ';', '\t'] as const;

/** Pinterest's accepted video containers; any other media URL is taken as an image. */
const VIDEO_EXTENSION = /\.(mp4|mov|m4v)$/i;

/**
 * A row of pin fields is a few KB at most. The cap stops an unclosed quote from reading the rest of a large file
 * into one cell in memory.
 */
const MAX_ROW_CHARS = 1024 * 1024;

const normaliseHeader = (header: string) => header.trim().replace(/\s+/g, ' ').toLowerCase();
const COLUMN_BY_HEADER = new Map<string, Column>(COLUMNS.map((column) => [normaliseHeader(column), column]));

/** Whether a media URL points at a video, judged by the extension of its path (the query is ignored). */
export function isVideoUrl(url: string): boolean {
    let path: string;
    try {
        path = new URL(url).pathname;
    } catch {
        path = url.split(/[?#]/, 1)[0] ?? url;
    }
    return VIDEO_EXTENSION.test(path);
}

/**
 * Reads a bulk-create CSV from text or a stream and yields, in file order, a draft or a problem for every data row.
 * Blank rows are skipped silently (spreadsheets export trailing ones) but still count in row numbers.
 * Throws CsvFormatError before the first row when the header is unusable.
 */
export async function* readPinsCsv(source: string | NodeJS.ReadableStream, options: ReadPinsCsvOptions): AsyncGenerator<CsvPinRow | CsvRowProblem> {
    const fieldName = options.fieldName ?? 'pinsCsv';
    // Records are taken in `on_record`, synchronously and in order, rather than read from the parser's output:
    // a parse error destroys the stream and with it any records still buffered there, rows that are fine.
    const parsed: { record: string[]; rowNumber: number }[] = [];
    let parser: ReturnType<typeof parse> | undefined;
    let parseError: unknown;
    let delimiter: string = SEPARATORS[0];
    /** The parser, once the header line says which separator the file uses. */
    const start = (separator: string) => {
        delimiter = separator;
        const created = parse({
            bom: true,
            delimiter,
            // Rows shorter than the header are common (trailing empty cells dropped); longer ones are checked below.
            relax_column_count: true,
            // A stray quote inside an unquoted cell is kept as text, as spreadsheets do, instead of failing the row.
            relax_quotes: true,
            max_record_size: MAX_ROW_CHARS,
            // `records` counts every record so far, blank ones and this one included: the spreadsheet row number.
            on_record: (record: string[], context) => void parsed.push({ record, rowNumber: context.records }),
        });
        created.on('error', (error) => (parseError ??= error));
        return created;
    };
    const write = (chunk: unknown) =>
        new Promise<void>((resolve) =>
            parser!.write(chunk, (error) => {
                parseError ??= error ?? undefined;
                resolve();
            }),
        );
    const end = () =>
        new Promise<void>((resolve) => {
            parser!.once('finish', resolve);
            parser!.once('error', () => resolve());
            parser!.end();
        });
    // Chunks before the end of the header line: the separator is decided on the whole line, then they are parsed.
    let head: unknown[] = [];
    let headText = '';
    const feed = async (chunk: unknown) => {
        if (!parser) {
            head.push(chunk);
            headText += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
            if (!/[\r\n]/.test(headText) && headText.length < MAX_ROW_CHARS) return;
            parser = start(separatorOf(headText));
        }
        for (const piece of head.length > 0 ? head : [chunk]) await write(piece);
        head = [];
    };

    let columns: (Column | undefined)[] | undefined;
    let keywordRows = 0;
    let lastRow = 0;
    function* drain(): Generator<CsvPinRow | CsvRowProblem> {
        for (let next = parsed.shift(); next; next = parsed.shift()) {
            const { record, rowNumber } = next;
            lastRow = rowNumber;
            if (!columns) {
                columns = readHeader(record, fieldName, options.onWarning);
                continue;
            }
            if (record.every((cell) => cell.trim() === '')) continue;
            const extra = record.slice(columns.length).filter((cell) => cell.trim() !== '').length;
            if (extra > 0) {
                // The cells are shifted from the first unquoted separator on, so only the title and media are kept for the row.
                const { pinTitle, imageUrl, videoUrl } = toDraft(columns, record).draft;
                const separator = delimiter === '\t' ? 'a tab' : delimiter === ';' ? 'a semicolon' : 'a comma';
                yield {
                    rowNumber,
                    problem: `Row ${rowNumber} has ${columns.length + extra} cells but the header has ${columns.length} columns; a value containing ${separator} must be enclosed in double quotes.`,
                    draft: dropEmpty({ pinTitle, imageUrl, videoUrl }),
                };
                continue;
            }
            const { draft, hasKeywords, account } = toDraft(columns, record);
            if (hasKeywords) keywordRows++;
            yield account ? { rowNumber, draft, account } : { rowNumber, draft };
        }
    }

    try {
        // Iterating the source gives backpressure for free: the next chunk is read once this one's rows are taken.
        for await (const chunk of typeof source === 'string' ? slices(source) : source) {
            await feed(chunk);
            yield* drain();
            if (parseError) break;
        }
        // A file of one line (no line break after the header) has not chosen its separator yet.
        if (!parser && head.length > 0) {
            parser = start(separatorOf(headText));
            for (const piece of head) await write(piece);
        }
        if (parser && !parseError) await end();
        yield* drain();
    } finally {
        parser?.destroy();
    }

    if (parseError) {
        if (!(parseError instanceof CsvError)) throw parseError;
        // The parser cannot tell where the broken row ends, so nothing after it can be read as rows.
        const rowNumber = lastRow + 1;
        if (!columns) throw new CsvFormatError(`${fieldName} could not be read as CSV: ${describeParseError(parseError, 1)}`);
        yield { rowNumber, problem: `${describeParseError(parseError, rowNumber)} The rows after it could not be read.` };
        return;
    }
    if (!columns) throw new CsvFormatError(`${fieldName} is empty; its first row must be the header (${COLUMN_NAMES}).`);
    if (keywordRows > 0) {
        options.onWarning(
            `The Keywords column was ignored in ${plural(keywordRows, 'row')}: Pinterest API v5 cannot set keywords on a pin; put them in the description instead.`,
        );
    }
}

/**
 * The separator of a file, read from its header line: the one that splits it into the most of the columns above.
 * A tie (or a header naming none) is a comma, the CSV standard.
 */
function separatorOf(text: string): string {
    const line = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/, 1)[0] ?? '';
    const known = (separator: string) =>
        line.split(separator).filter((cell) => COLUMN_BY_HEADER.has(normaliseHeader(cell.replace(/^\s*"|"\s*$/g, '')))).length;
    let best: string = SEPARATORS[0];
    for (const separator of SEPARATORS) if (known(separator) > known(best)) best = separator;
    return best;
}

const dropEmpty = (draft: CsvPinDraft): CsvPinDraft =>
    Object.fromEntries(Object.entries(draft).filter(([, value]) => value !== undefined)) as CsvPinDraft;

/** Text in pieces, so a large `pinsCsv` is parsed row by row as the caller consumes it, not all at once. */
function* slices(text: string, size = 64 * 1024): Generator<string> {
    for (let start = 0; start < text.length;) {
        let end = Math.min(start + size, text.length);
        // Never cut between the two halves of a surrogate pair (an emoji): each half alone is not valid UTF-16.
        const last = text.charCodeAt(end - 1);
        if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
        yield text.slice(start, end);
        start = end;
    }
}

function readHeader(record: string[], fieldName: string, onWarning: (message: string) => void): (Column | undefined)[] {
    const columns = record.map((header) => COLUMN_BY_HEADER.get(normaliseHeader(header)));
    const missing = REQUIRED_COLUMNS.filter((column) => !columns.includes(column));
    if (missing.length > 0) {
        const names = missing.map((column) => `"${column}"`).join(' and ');
        throw new CsvFormatError(
            `${fieldName} has no ${names} column${missing.length === 1 ? '' : 's'} in its first row; the header must name Pinterest's bulk-create columns: ${COLUMN_NAMES} (case does not matter).`,
        );
    }
    const repeated = COLUMNS.filter((column) => columns.filter((found) => found === column).length > 1);
    if (repeated.length > 0) {
        throw new CsvFormatError(`${fieldName} has the column "${repeated[0]}" more than once in its header; keep one.`);
    }
    const ignored = record.filter((header, index) => columns[index] === undefined && header.trim() !== '').map((header) => `"${header.trim()}"`);
    if (ignored.length > 0) {
        const [s, isAre, wasWere] = ignored.length === 1 ? ['', 'is', 'was'] : ['s', 'are', 'were'];
        onWarning(
            `${fieldName}: the column${s} ${ignored.join(', ')} ${isAre} not among Pinterest's bulk-create columns (${COLUMN_NAMES}) and ${wasWere} ignored.`,
        );
    }
    return columns;
}

function toDraft(columns: (Column | undefined)[], record: string[]): { draft: CsvPinDraft; hasKeywords: boolean; account?: string } {
    const draft: CsvPinDraft = {};
    let hasKeywords = false;
    let account: string | undefined;
    columns.forEach((column, index) => {
        const value = record[index]?.trim();
        if (!column || !value) return;
        if (column === 'Keywords') hasKeywords = true;
        else if (column === 'Account') account = value;
        else if (column === 'Media URL') draft[isVideoUrl(value) ? 'videoUrl' : 'imageUrl'] = value;
        else draft[FIELD_OF[column]] = value;
    });
    return { draft, hasKeywords, account };
}

function describeParseError(error: CsvError, rowNumber: number): string {
    switch (error.code) {
        case 'CSV_QUOTE_NOT_CLOSED':
            return `Row ${rowNumber} opens a double quote that is never closed.`;
        case 'CSV_MAX_RECORD_SIZE':
            return `Row ${rowNumber} is longer than ${MAX_ROW_CHARS / 1024} KB, which usually means a double quote in it is never closed.`;
        default:
            return `Row ${rowNumber} is not valid CSV (${error.message.replace(/\s+/g, ' ').trim()}).`;
    }
}

export interface OpenCsvUrlOptions {
    /** Default 50 MB: hundreds of thousands of rows, far more than a run posts, and still small on disk. */
    maxBytes?: number;
    /** Whole download, every attempt and wait included. Default 2 minutes. */
    timeoutMs?: number;
    tempDir?: string;
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
}

export const CSV_MAX_BYTES = 50 * 1024 * 1024;

/**
 * Downloads the CSV at `url` (the `pinsCsvUrl` input) to a temporary file and returns a stream of it for
 * `readPinsCsv`; the temporary file is already unlinked when this resolves. Download failures (HTTP status, size cap, timeout,
 * a web page instead of a file) reject here, as a DownloadError naming pinsCsvUrl, before any row is read.
 */
export async function openCsvUrl(url: string, options: OpenCsvUrlOptions = {}): Promise<Readable> {
    const file = await downloadToTempFile(url, {
        fieldName: 'pinsCsvUrl',
        what: 'CSV file',
        maxBytes: options.maxBytes ?? CSV_MAX_BYTES,
        timeoutMs: options.timeoutMs ?? 120_000,
        tempDir: options.tempDir,
        sleep: options.sleep,
        now: options.now,
    });
    // The open file stays readable after its name is removed (POSIX), so nothing is left behind even if the
    // caller never reads the stream to its end; the disk space is freed when the stream closes.
    try {
        const handle = await open(file.path);
        return handle.createReadStream();
    } finally {
        await file.remove();
    }
}
