/**
 * The TensorFlow.js runtime: backend choice, wasm threads, fused Adam and the faster matrix-product kernels
 * (on wasm, or on the system BLAS through native/: nativeBlas.ts).
 * May import: core.
 */
export * from './backend';
export * from './fastKernels';
export * from './fusedAdam';
export * from './nativeBlas';
export * from './wasmThreads';
