import { flagNumber } from '../config/config.ts'
import { DROPPED_DECL } from '../metrics/dropped.ts'
import { DISK_FILL_DECL, createDiskFillForecaster } from './disk-fill.ts'
import { createHostAnomalyDetector } from './host-anomaly.ts'
import { createPodAnomalyDetector } from './pod-anomaly.ts'
import { ANOMALY_FAMILIES } from './series-anomaly.ts'
import type { DetectorEntry } from './types.ts'

export type { DetectorDeps, DetectorEntry } from './types.ts'

/**
 * Every detector that runs on the tick's snapshot, in the order they run after the
 * collectors. Threat detection is on the collector list instead (detector.threats): its scan
 * reads /proc where collectors read (see detectorOfCollector in types.ts).
 */
export const allDetectors: readonly DetectorEntry[] = [
  {
    name: 'detector.disk_fill',
    defaultEnabled: true,
    help: 'Forecasts when each filesystem fills (odin_disk_fill_eta_seconds).',
    families: [DISK_FILL_DECL],
    create: () => createDiskFillForecaster(),
  },
  {
    name: 'detector.anomaly',
    defaultEnabled: true,
    help: 'Isolation-forest anomaly scores for host (load, available memory) and GPU (temperature, power) series, models kept under --data-dir (odin_anomaly_score, odin_anomaly).',
    families: ANOMALY_FAMILIES,
    create: ({ config, log }) => createHostAnomalyDetector({ dataDir: config.dataDir, log }),
  },
  {
    name: 'detector.pod_anomaly',
    defaultEnabled: true,
    help: 'Isolation-forest anomaly scores per container (CPU usage rate, working set; compact model) labelled namespace, pod and container, as many containers as --collector.containers.max-containers, models kept under --data-dir (odin_anomaly_score{detector="pod"}); idle without container series.',
    // Containers beyond the cap are counted where every capped collector counts its cuts.
    families: [...ANOMALY_FAMILIES, DROPPED_DECL],
    create: ({ config, log }) => {
      const max = flagNumber(config, 'collector.containers.max-containers')
      return createPodAnomalyDetector({ dataDir: config.dataDir, log, maxContainers: Number.isFinite(max) && max >= 0 ? max : 200 })
    },
  },
]
