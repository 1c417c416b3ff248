/**
 * The TensorFlow.js runtime: backend choice, wasm threads, fused Adam and the faster matrix-product kernels.
 * May import: core.
 */
export * from './backend';
export * from './fastKernels';
export * from './fusedAdam';
export * from './wasmThreads';
