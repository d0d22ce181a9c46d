import type { BuildResult } from 'esbuild';

export interface LeftOutExports {
    default?: string[];
    named?: string[];
}

/** Packages the bundle replaces with modules whose exports throw when used. */
export const LEFT_OUT: Record<string, LeftOutExports>;

/** The source of the module that stands in for a left-out package: each export throws when used. */
export function leftOutModule(name: string, exports: LeftOutExports): string;

/** Packages whose index re-exports all their modules: each module loads on first use. */
export const LAZY_BARREL_PACKAGES: string[];

/** Matches the paths of those packages' barrel files. */
export const LAZY_BARRELS: RegExp;

/** Rewrites a CommonJS barrel so each re-exported module is required on first use. */
export function lazyBarrel(file: string, source: string): string;

/** Packages loaded when one of their exports is first read rather than at start-up. */
export const LAZY_PACKAGES: string[];

/** The facade a lazy package's importers get: each export is a getter that loads the package when first read. */
export function lazyPackage(file: string): string;

/** Stands in for the object `create` returns, creating it on first use and forwarding to it from then on. */
export function createdOnFirstUse<T extends object>(create: () => T): T;

/** The JSON5 module local storage gets: JSON.parse first, the JSON5 package for what JSON rejects. */
export function jsonFirst(file: string): string;

/** Packages the Actor imports by their CommonJS entry rather than their ES-module one. */
export const COMMON_JS_ENTRIES: string[];

/** Bundles src/main.ts into `outDir` (default dist/), replacing what was there. */
export function buildActor(options?: { outDir?: string; metafile?: boolean; minify?: boolean }): Promise<BuildResult<{ metafile: true }>>;
