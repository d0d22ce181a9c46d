import type { ActorInput } from '../input.js';
import type { RunJournal } from '../journal.js';
import type { RunOutput } from '../output.js';
import type { PinterestClient } from '../pinterest/client.js';
import type { Operation } from '../pinterest/operations.js';

export interface ModeContext {
    input: ActorInput;
    client: PinterestClient;
    output: RunOutput;
    /** Progress that must survive a restart of the run; see journal.ts. */
    journal: RunJournal;
    log: { info(message: string): void; warning(message: string): void };
}

export interface ModeResult {
    /** One sentence for the run's status message: what was done. */
    summary: string;
}

export interface ModeHandler {
    /** Every Pinterest operation the mode may call; preflight checks the token's scopes against them. */
    readonly operations: readonly Operation[];
    /** Creates content on Pinterest (which Trial apps may not do in production). */
    readonly writes: boolean;
    run(context: ModeContext): Promise<ModeResult>;
}
