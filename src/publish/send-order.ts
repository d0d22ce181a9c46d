/**
 * Keeps the POSTs of a batch in the batch's order while the pins are prepared concurrently: a pin's request waits
 * until the pin before it has sent its own, has finished without sending one, or has stepped aside (a video that
 * is still uploading lets the pins after it go, and sends when it is ready).
 */
export class SendOrder<J> {
    private readonly gates = new Map<J, { passed: Promise<void>; pass: () => void }>();
    private readonly previous = new Map<J, J>();

    constructor(jobs: readonly J[]) {
        jobs.forEach((job, index) => {
            let pass = () => {};
            const passed = new Promise<void>((resolve) => (pass = resolve));
            this.gates.set(job, { passed, pass });
            if (index > 0) this.previous.set(job, jobs[index - 1]!);
        });
    }

    /** Resolves when every pin before `job` has sent its request, finished without one, or stepped aside. */
    async turnOf(job: J): Promise<void> {
        const before = this.previous.get(job);
        if (before) await this.gates.get(before)?.passed;
    }

    /** `job` has sent its request, will send none, or steps aside: the next pin may go once every pin before it has too. */
    done(job: J): void {
        const gate = this.gates.get(job);
        if (!gate) return;
        void this.turnOf(job).then(gate.pass);
    }
}
