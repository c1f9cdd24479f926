// The anomaly engine's public surface: pure, no I/O except model-file.ts (node:fs, data dir
// passed in), time taken from the samples.
export { ANOMALY_THRESHOLD, DEFAULT_OPTIONS, resolveOptions, type DetectorOptions } from './options.ts'
export {
  createDetector,
  type DetectorMode,
  type DetectorState,
  type Observation,
  type SeriesDetector,
} from './detector.ts'
export { createAnomalyManager, type AnomalyManager, type AnomalyManagerOptions, type SeriesStatus } from './manager.ts'
export { decodeState, encodeState } from './state-codec.ts'
export { saveDetector, loadDetector, type LoadedDetector } from './detector-file.ts'
export { loadModel, saveModel, encodeModel, decodeModel, MODEL_VERSION, ModelWriteError, type LoadResult } from './model-file.ts'
export { trainForest, forestScore, pathLength, forestBytes, type Forest, type ForestOptions } from './forest.ts'
export type { FeatureName } from './features.ts'
