import type { MessagePort } from 'node:worker_threads'
import { scoreFileJob, type FileJob, type FileJobResult } from './index.ts'

/** The worker side of a detect pool: one job at a time, one reply per job. */
export function serveDetectJobs(port: MessagePort): void {
  port.on('message', (job: FileJob) => {
    scoreFileJob(job).then(
      (r) => port.postMessage(r),
      (err: unknown) => port.postMessage({ error: `${job.input}: ${err instanceof Error ? err.message : String(err)}` } satisfies FileJobResult),
    )
  })
}
