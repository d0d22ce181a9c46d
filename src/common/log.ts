/** Where the Actor tells the user what it is doing: Apify's logger in a run, a recorder in tests. */
export interface Log {
    info(message: string): void;
    warning(message: string): void;
}
