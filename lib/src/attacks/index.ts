/**
 * Attacks: FGSM (§4), BIM/PGD, noise controls, the fast input gradient, and the one dataset-wide wrapper they share.
 * May import: core, runtime, data, models.
 */
export * from './fgsm';
export * from './inputGradient';
export * from './iterative';
export * from './noise';
export * from './overDataset';
