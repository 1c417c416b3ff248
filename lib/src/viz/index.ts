/**
 * Pictures: notebook display, plotly figures and their builders, image grids, the ε explorer, Fig. 1's triptych.
 * May import: core, data, models, attacks, measures.
 */
export * from './display';
export * from './epsilonExplorer';
export * from './figure';
export * from './histogram';
export * from './imagePlots';
export * from './plotly';
export * from './plots';
export * from './png';
export * from './triptych';
