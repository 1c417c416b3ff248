/**
 * Models: the `Classifier` type, the paper's architectures and custom layers (maxout, RBF, seeded dropout), saving and loading.
 * May import: core, runtime, data.
 */
export * from './architectures';
export * from './classifier';
export * from './dropout';
export * from './maxout';
export * from './persistence';
export * from './rbf';
export * from './ensemble';
