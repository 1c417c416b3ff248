/**
 * Tables and results: formatted tables, paper-vs-ours rows with their bars, results as CSV.
 * May import: core, measures (intervals), viz (display).
 */
export * from './paperVsOurs';
export * from './resultsCsv';
export * from './tables';
