/**
 * Measures: error rates and confidences, ε sweeps, lines through input space, transfer, filters, margins, statistics.
 * May import: core, data, models, attacks.
 */
export * from './errorAgreement';
export * from './evaluate';
export * from './fgsmCurve';
export * from './fgsmLine';
export * from './filters';
export * from './line';
export * from './linear';
export * from './logitSlopes';
export * from './lossAlongDirections';
export * from './margins';
export * from './maxNormSteps';
export * from './stats';
export * from './sweep';
export * from './targeted';
export * from './transfer';
export * from './wrongRegion';
export * from './intervals';
export * from './preActivations';
export * from './rubbish';
export * from './smoothGrad';
export * from './universal';
