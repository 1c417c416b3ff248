/**
 * Tables and results: formatted tables, paper-vs-ours rows with their bars, results as CSV.
 * May import: core, viz (display).
 */
export * from './paperVsOurs';
export * from './resultsCsv';
export * from './tables';
