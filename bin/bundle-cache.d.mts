/** Types of bundle-cache.mjs (plain JavaScript, loaded before tsx). */
export declare const PACKAGE_ROOT: string;
export declare function defaultCacheDir(env?: NodeJS.ProcessEnv): string;
export declare function currentBundle(name: string, dir?: string): string | null;
export declare function buildBundle(name: string, entry: string, dir?: string): string;
export declare function bundleFor(name: string, entry: string, options?: { cacheDir?: string; onFallback?: (reason: string) => void }): string | null;
