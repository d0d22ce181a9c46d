/**
 * Errors whose message is written for the user: one sentence saying what is wrong and what to do. The run fails
 * with that sentence as its status. Anything else that escapes is a bug and is reported as such.
 */
export class ActorError extends Error {
    override name = 'ActorError';
}
