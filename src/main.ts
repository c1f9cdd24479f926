#!/usr/bin/env bun
// Entry point of the odin-agent binary. Worker threads run this same module (the binary has
// one entry point), so it only dispatches: each role imports what it needs, and a collector
// thread does not evaluate the server, the detectors or the CLI (less memory per thread).
import { isMainThread, parentPort, workerData } from 'node:worker_threads'
import { COLLECTOR_WORKER, DETECT_WORKER } from './platform/worker-roles.ts'

const role = isMainThread ? undefined : (workerData as { role?: string } | null)?.role
if (role === COLLECTOR_WORKER && parentPort) {
  const { serveCollectorWorker } = await import('./platform/collector-worker.ts')
  await serveCollectorWorker(parentPort, workerData)
} else if (role === DETECT_WORKER && parentPort) {
  const { serveDetectJobs } = await import('./cli/detect/worker.ts')
  serveDetectJobs(parentPort)
} else {
  const { runMainThread } = await import('./main-thread.ts')
  await runMainThread(new URL(import.meta.url))
}
