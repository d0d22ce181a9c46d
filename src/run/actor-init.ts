import { LocalEventManager } from '@crawlee/core';
import { Actor } from 'apify';

/**
 * Crawlee's local event manager samples CPU and memory from the start of a run (spawning `getconf` and `ps`) for
 * its autoscaled pools, which this Actor does not have. Locally the run uses one that only persists state; on the
 * platform, events come from the platform and nothing changes.
 */
export class LocalEventsWithoutSystemInfo extends LocalEventManager {
    // Never calls back, so the SDK's interval stops after this first call.
    override async emitSystemInfoEvent(): Promise<void> {}
}

export async function initActor(): Promise<void> {
    if (!Actor.isAtHome()) Actor.config.useEventManager(new LocalEventsWithoutSystemInfo(Actor.config));
    await Actor.init();
}
