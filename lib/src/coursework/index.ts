/**
 * Checks for the exercises: expected-vs-got errors with a hint, the not-implemented stub.
 * May import: core.
 */
export * from './grading';
