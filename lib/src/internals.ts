/**
 * Everything the library defines, curated or not, for the library's own tests, the scripts and
 * the curious: `ae.internals.<name>`. Notebooks and exercises use the public names of `index.ts`.
 */
export * from './core';
export * from './runtime';
export * from './data';
export * from './models';
export * from './attacks';
export * from './measures';
export * from './viz';
export * from './report';
export * from './training';
export * from './zoo';
export * from './coursework';
export * from './setup';
