import type { SnapshotObserver } from '../agent.ts'
import { flagNumber, type AgentConfig } from '../config/config.ts'
import type { FlagSpec } from '../config/flag-spec.ts'
import type { Logger } from '../log/logger.ts'
import { createDiskFillForecaster } from './disk-fill.ts'
import { createHostAnomalyDetector } from './host-anomaly.ts'
import { createPodAnomalyDetector } from './pod-anomaly.ts'

export interface DetectorDeps {
  readonly config: AgentConfig
  readonly log: Logger
}

/** A detector that watches snapshots; switched with --detector.NAME / --no-detector.NAME. */
export interface DetectorEntry {
  readonly name: `detector.${string}`
  readonly defaultEnabled: boolean
  readonly help: string
  readonly flags?: readonly FlagSpec[]
  create(deps: DetectorDeps): SnapshotObserver
}

/** Every snapshot-observing detector, in the order they run after each sample. */
export const allDetectors: readonly DetectorEntry[] = [
  {
    name: 'detector.disk_fill',
    defaultEnabled: true,
    help: 'Forecasts when each filesystem fills (odin_disk_fill_eta_seconds).',
    create: () => createDiskFillForecaster(),
  },
  {
    name: 'detector.anomaly',
    defaultEnabled: true,
    help: 'Isolation-forest anomaly scores for host (load, available memory) and GPU (temperature, power) series, models kept under --data-dir (odin_anomaly_score, odin_anomaly).',
    create: ({ config, log }) => createHostAnomalyDetector({ dataDir: config.dataDir, log }),
  },
  {
    name: 'detector.pod_anomaly',
    defaultEnabled: true,
    help: 'Isolation-forest anomaly scores per container (CPU usage rate, working set; compact model) labelled namespace, pod and container, as many containers as --collector.containers.max-containers, models kept under --data-dir (odin_anomaly_score{detector="pod"}); idle without container series.',
    create: ({ config, log }) => {
      const max = flagNumber(config, 'collector.containers.max-containers')
      return createPodAnomalyDetector({ dataDir: config.dataDir, log, maxContainers: Number.isFinite(max) && max >= 0 ? max : 200 })
    },
  },
]
