import type { z } from 'zod';

import type { Log } from '../common/log.js';
import type { ModeInputDefinition } from '../input/parse.js';
import type { RunOutput } from '../output/run-output.js';
import type { PinterestClient } from '../pinterest/client.js';
import type { Operation } from '../pinterest/operations.js';
import type { RunStorage } from '../storage/contracts.js';
import type { RunJournal } from '../storage/journal.js';

/** What a mode's run gets: its validated input and the run's parts. Engines below take the parts they need. */
export interface ModeContext<I> {
    input: I;
    client: PinterestClient;
    output: RunOutput;
    /** Progress that must survive a restart of the run; see storage/journal.ts. */
    journal: RunJournal;
    storage: RunStorage;
    log: Log;
    /** The run's clock (tests move it with ACTOR_TEST_NOW). */
    now: () => number;
    /** Waits on the run's clock (claims settling, listings that lag); unit tests pass one that moves their clock. */
    sleep: (ms: number) => Promise<void>;
    /** The run's id, or a local stand-in: who holds a lease. */
    runId: string;
    /** With the `accounts` input: the account this part of the run serves, among all the run's labels. */
    account?: AccountPart;
}

/** One account's part of a run over several accounts (run/accounts.ts). */
export interface AccountPart {
    label: string;
    /** Every label of the run, in the input's order. */
    labels: readonly string[];
    /** The first listed account's part reports what belongs to no account (a CSV row naming no account). */
    first: boolean;
}

export interface ModeResult {
    /** One sentence for the run's status message: what was done. */
    summary: string;
    /** Outcomes by name (`created`, `failed`, `fetched`, ...), for the OUTPUT record. */
    counts?: Record<string, number>;
    /** True when the list had more items than maxItems (or the budget) allowed. */
    hasMore?: boolean;
    warnings?: string[];
    /** Anything else the OUTPUT record should carry (the next due pin, the report's key). */
    details?: Record<string, unknown>;
    /** Analytics modes: the account's totals, for the overview of a run over several accounts (run/accounts.ts). */
    overview?: AccountTotals;
}

export interface AccountTotals {
    /** The account's name as reports show it (its business name or @username). */
    account?: string;
    startDate: string;
    endDate: string;
    totals: Record<string, number | null>;
    /** The period compared with, over the days both have numbers for. */
    previousTotals?: Record<string, number | null>;
    /** The range's totals over those days, when they are not all its days. */
    comparedTotals?: Record<string, number | null>;
    /** Whether the account's own report was saved. */
    report: boolean;
}

export interface ModeHandler<S extends z.ZodObject = z.ZodObject> extends ModeInputDefinition {
    /** The mode's name in the Console's mode list, e.g. "List my boards". */
    readonly title: string;
    /** One sentence on what a run does, for the mode field's description (what users and AI agents read). */
    readonly description: string;
    readonly input: S;
    /** Every Pinterest operation the mode may call; preflight checks the token's scopes against them. */
    readonly operations: readonly Operation[];
    run(context: ModeContext<z.infer<S>>): Promise<ModeResult>;
}

/** Keeps a mode's input type tied to its schema. */
export const defineMode = <S extends z.ZodObject>(handler: ModeHandler<S>): ModeHandler<S> => handler;

/** Whether a mode creates or changes content on Pinterest (which Trial apps may not do in production). */
export const writesContent = (mode: Pick<ModeHandler, 'operations'>): boolean =>
    mode.operations.some((operation) => operation.category === 'org_write');
