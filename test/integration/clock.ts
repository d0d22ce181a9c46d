/** A clock that moves only when the code under test sleeps (each sleep is recorded) or when a test server says an answer took long. */
export function recordingClock(start = 1_000_000) {
    let time = start;
    const sleeps: number[] = [];
    return {
        sleeps,
        now: () => time,
        advance: (ms: number) => void (time += ms),
        sleep: async (ms: number) => {
            sleeps.push(ms);
            time += ms;
        },
    };
}

export type RecordingClock = ReturnType<typeof recordingClock>;
