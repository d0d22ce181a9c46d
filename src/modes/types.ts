import type { z } from 'zod';

import type { ModeInputDefinition } from '../input.js';
import type { RunJournal } from '../journal.js';
import type { RunOutput } from '../output.js';
import type { PinterestClient } from '../pinterest/client.js';
import type { Operation } from '../pinterest/operations.js';
import type { KeyValueBackend } from '../storage/records.js';

export interface Log {
    info(message: string): void;
    warning(message: string): void;
}

/** Key-value stores a mode may keep state in. */
export interface RunStorage {
    /** A named store: it outlives runs and can be shared by several of them (ledger, queue). */
    openNamedStore(name: string): Promise<NamedStore>;
    /** The run's default store: it survives a restart of the run (a migration), not the next run. */
    openRunStore(): Promise<KeyValueBackend>;
}

export interface NamedStore extends KeyValueBackend {
    readonly name: string;
    /** Every key that starts with `prefix`, in key order. */
    keys(prefix: string): Promise<string[]>;
}

export interface ModeContext<I> {
    input: I;
    client: PinterestClient;
    output: RunOutput;
    /** Progress that must survive a restart of the run; see journal.ts. */
    journal: RunJournal;
    storage: RunStorage;
    log: Log;
    /** The run's clock (tests move it with ACTOR_TEST_NOW). */
    now: () => number;
    /** The run's id, or a local stand-in: who holds a lease. */
    runId: string;
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
}

export interface ModeHandler<S extends z.ZodObject = z.ZodObject> extends ModeInputDefinition {
    readonly input: S;
    /** Every Pinterest operation the mode may call; preflight checks the token's scopes against them. */
    readonly operations: readonly Operation[];
    /** Creates content on Pinterest (which Trial apps may not do in production). */
    readonly writes: boolean;
    /** Whether the mode talks to Pinterest at all (a queue listing does not need a token). */
    readonly needsPinterest?: boolean;
    run(context: ModeContext<z.infer<S>>): Promise<ModeResult>;
}

/** Keeps a mode's input type tied to its schema. */
export const defineMode = <S extends z.ZodObject>(handler: ModeHandler<S>): ModeHandler<S> => handler;
