import type { BuildResult } from 'esbuild';

/** Packages left out of the bundle: esbuild's alias points each at LEFT_OUT_STAND_IN. */
export const LEFT_OUT: string[];

/** The path of scripts/left-out.mjs, the one module whose exports stand in for every left-out package's. */
export const LEFT_OUT_STAND_IN: string;

/** Packages whose index re-exports all their modules: each module loads on first use. */
export const LAZY_BARREL_PACKAGES: string[];

/** Matches the paths of those packages' barrel files. */
export const LAZY_BARRELS: RegExp;

/** Rewrites a CommonJS barrel so each re-exported module is required on first use. */
export function lazyBarrel(file: string, source: string): string;

/** Packages the Actor imports by their CommonJS entry rather than their ES-module one. */
export const COMMON_JS_ENTRIES: string[];

/** Bundles src/main.ts into `outDir` (default dist/), replacing what was there. */
export function buildActor(options?: { outDir?: string; metafile?: boolean; minify?: boolean }): Promise<BuildResult<{ metafile: true }>>;
