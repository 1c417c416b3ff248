/**
 * The trained models the notebooks use: one recipe each, and getModel (load, or train and save).
 * May import: everything but coursework.
 */
export * from './zoo';
