/**
 * Basics every other folder may use: seeded randomness, input checks, the exact sign, the version.
 * May import: nothing else in the library.
 */
export * from './checks';
export * from './paths';
export * from './random';
export * from './sign';
export * from './text';
export * from './version';
