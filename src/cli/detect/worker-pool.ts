import { Worker } from 'node:worker_threads'
import type { DetectPool, FileJob, FileJobResult } from './index.ts'

import { DETECT_WORKER } from '../../platform/worker-roles.ts'

/**
 * `size` worker threads running `entry` (the agent's own entry module, which serves detect jobs
 * when started as one), each scoring one file at a time.
 */
export function createWorkerPool(entry: URL, size: number): DetectPool {
  const workers = Array.from({ length: size }, () => new Worker(entry, { workerData: { role: DETECT_WORKER } }))
  const idle = [...workers]
  const waiting: ((w: Worker) => void)[] = []
  const acquire = (): Promise<Worker> => {
    const w = idle.pop()
    return w ? Promise.resolve(w) : new Promise((resolve) => waiting.push(resolve))
  }
  const release = (w: Worker): void => {
    const next = waiting.shift()
    if (next) next(w)
    else idle.push(w)
  }
  return {
    run: async (job: FileJob): Promise<FileJobResult> => {
      const w = await acquire()
      try {
        return await new Promise<FileJobResult>((resolve, reject) => {
          const done = () => {
            w.off('message', onMessage)
            w.off('error', onError)
            w.off('exit', onExit)
          }
          const onMessage = (r: FileJobResult) => {
            done()
            resolve(r)
          }
          const onError = (err: Error) => {
            done()
            reject(err)
          }
          const onExit = (code: number) => {
            done()
            reject(new Error(`detect worker exited (code ${code}) while scoring ${job.input}`))
          }
          w.on('message', onMessage)
          w.on('error', onError)
          w.on('exit', onExit)
          w.postMessage(job)
        })
      } finally {
        release(w)
      }
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()))
    },
  }
}
