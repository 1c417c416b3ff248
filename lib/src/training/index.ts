/**
 * Training: the seeded training loop, the paper's objectives (adversarial, L1), live progress.
 * May import: everything above except zoo.
 */
export * from './objectives';
export * from './progress';
export * from './train';
export * from './noiseTraining';
export * from './sgdRecipe';
