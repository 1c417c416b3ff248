/**
 * The aelab library's public API: what the notebooks and their exercises call, as `ae.<name>`,
 * grouped by the folder that defines it (each folder's index says what lives there). Everything
 * else — kernels, layers, test hooks — is in `ae.internals` (see internals.ts).
 * The API reference, generated from this file and the doc comments: site/api.html (`npm run api`).
 */

// Setup: backend, seed and the one line that says what produced the outputs.
export { setup, SetupInfo, LIB_VERSION } from './setup';
export { BackendName } from './runtime';

// core: seeded randomness and the exact sign.
export { rng, permutation, childSeed, exactSign } from './core';

// data: MNIST and the Dataset type.
export {
  Dataset,
  Mnist,
  IMAGE_SIDE,
  IMAGE_SIZE,
  NUM_CLASSES,
  loadMnist,
  mnistDataDir,
  pick,
  firstN,
  sample,
  digits,
  validationSplit,
  downsample,
  classCounts,
  toTensors,
  Batch,
  forEachBatch,
  mapBatches,
} from './data';

// models: classifiers, the paper's architectures, saved models.
export {
  Classifier,
  Head,
  logits,
  probabilities,
  predict,
  loss,
  lossFromLogits,
  inputGradient,
  ModelOptions,
  DeepOptions,
  logisticRegression,
  softmaxRegression,
  maxoutNetwork,
  reluMlp,
  rbfNetwork,
  tanhMlp,
  ensembleClassifier,
  ModelMeta,
  modelDir,
  saveClassifier,
  loadClassifier,
  readModelMeta,
} from './models';

// attacks: FGSM, BIM/PGD, noise controls, and the wrapper that runs any of them over a dataset.
export {
  FgsmOptions,
  fgsm,
  fgsmDataset,
  fgsmPredictedDataset,
  IterativeOptions,
  bim,
  pgd,
  bimDataset,
  pgdDataset,
  iterativeDataset,
  NoiseKind,
  addNoise,
  noiseDataset,
  attackOverDataset,
} from './attacks';

// measures: what an attack does, and why.
export {
  Evaluation,
  evaluate,
  confusion,
  agreement,
  DatasetAttack,
  SweepPoint,
  epsilonRange,
  epsilonSweep,
  fgsmAttack,
  fgsmErrorCurve,
  LineScan,
  logitsAlongLine,
  WrongRegion,
  wrongRegions,
  FgsmLineScan,
  scanFgsmLine,
  wrongRuns,
  scanRow,
  lineContiguity,
  TransferResult,
  transferMatrix,
  sameWrongClass,
  predictsSameMistake,
  TargetedResult,
  targetedSuccess,
  binaryMargins,
  logitSlopes,
  lossAlongDirections,
  DirectionalLoss,
  MaxNormStepKind,
  MAX_NORM_STEP_KINDS,
  maxNormStep,
  stepEffects,
  worstCasePerturbation,
  linearScoreChange,
  maxLinearScoreChange,
  taylorLossChange,
  FilterBank,
  firstLayerFilters,
  filterAt,
  unitFilters,
  windowEnergy,
  roughness,
  maskEnergy,
  filterStats,
  pieceWinRates,
  quantile,
  median,
  l1Norm,
  cosine,
  Interval,
  PairedDifference,
  Z95,
  wilsonInterval,
  binomialInterval,
  errorInterval,
  pairedErrorDifference,
  meanInterval,
  layerOutputs,
  saturationShares,
  SaturationShares,
  smoothGrad,
  SmoothGradOptions,
  strokeShare,
  gaussianNoiseImages,
  rubbishConfidence,
  RubbishReport,
  sharedFgsmPerturbation,
  addPerturbation,
} from './measures';

// viz: figures and pictures.
export {
  Figure,
  PALETTE,
  show,
  Series,
  lineChart,
  ErrorCurve,
  errorVsEpsilon,
  heatmap,
  sliderFigure,
  imageGrid,
  perturbationImages,
  weightGrid,
  histogram,
  epsilonExplorer,
  fgsmTriptych,
  displayHtml,
  showMarkdown,
  grayPng,
  digitStrip,
} from './viz';

// report: tables, the paper next to ours, results as CSV.
export {
  showTable,
  toRows,
  toDataFrame,
  formatPercent,
  PaperRow,
  Verdict,
  paperVsOurs,
  assertMatchesPaper,
  checkAgainstPaper,
  samplingBand,
  writeResultsCsv,
  readResultsCsv,
} from './report';

// training: the loop, the paper's objectives, progress.
export {
  TrainOptions,
  History,
  EpochRecord,
  train,
  createProgress,
  historyTable,
  linearWeights,
  logisticAdversarialLoss,
  adversarialObjective,
  l1Penalty,
} from './training';

// zoo: the trained models.
export { Recipe, RECIPES, recipe, getModel, trainRecipe, TrainedRecipe, remeasureModel } from './zoo';

// coursework: checks the exercises' tests use.
export {
  expectClose,
  expectAllClose,
  expectThat,
  notImplemented,
  isNotImplemented,
  studentOrLibrary,
  ExerciseCheckError,
} from './coursework';

/** Everything else: `ae.internals.<name>`, for tests, scripts and the curious. */
export * as internals from './internals';
