/**
 * virtual-boron/harness: break an update on purpose. `sweepPowerCuts` cuts the power at every flash
 * operation an update makes (before it, after it, or part-way through it) and says what the device ends
 * in; `sweepLinkCuts` cuts the connection at every point the response arrived. Both take an
 * `UpdateScenario`, and give a table in plain words, JSON, and a recipe to make any cut again.
 */
export { sweepPowerCuts, replayPowerCut, flashDigest, PowerCut, type CutMode, type CutWindow, type CutOperation, type CutRecipe, type CutResult, type ChainResult, type PowerCutOptions, type PowerCutSweep } from './power-cuts';
export { WINDOW_TEXT, sweepForReport, type OutcomeRow } from './report';
export { sweepLinkCuts, linkFault, type LinkCutKind, type LinkCutPoint, type LinkCutRecipe, type LinkCutResult, type LinkCutRow, type LinkCutOptions, type LinkCutSweep } from './link-cuts';
export { OUTCOMES, runScenario, type Outcome, type UpdateScenario } from './scenario';
