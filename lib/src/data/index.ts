/**
 * Data: the `Dataset` type and its operations, the MNIST IDX loader, mini-batches from typed arrays.
 * May import: core.
 */
export * from './batches';
export * from './dataset';
export * from './idx';
export * from './mnist';
