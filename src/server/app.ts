import { Hono } from 'hono'
import type { CollectorHealth } from '../sampler/sampler.ts'
import type { Snapshot } from '../sampler/snapshot.ts'
import { readiness } from './readiness.ts'
import type { Readiness } from './readiness.ts'
import type { StatusDoc } from './status-model.ts'
import { renderStatusPage } from './status-page.ts'

/** Counts requests being answered, so shutdown can wait for them. */
export class RequestTracker {
  private active = 0
  enter(): void {
    this.active++
  }
  leave(): void {
    this.active--
  }
  get inFlight(): number {
    return this.active
  }
}

export interface AppDeps {
  readonly telemetryPath: string
  readonly maxRequests: number
  readonly latest: () => Snapshot | undefined
  readonly health: () => ReadonlyMap<string, CollectorHealth>
  /** Exposition text of the latest snapshot and its content type. */
  readonly metrics: () => Promise<{ body: string; contentType: string }>
  readonly version: { version: string; revision: string }
  readonly enabled: readonly string[]
  readonly startedAt: number
  readonly now?: () => number
  readonly tracker?: RequestTracker
  /** /ready turns 503 when the latest sample is older than this (default: never). */
  readonly staleAfterMs?: number
  /** The status page's document (/status.json); the page shows a stub without it. */
  readonly status?: (ready: Readiness) => StatusDoc
}

/** Builds the HTTP app; binding a port is the platform's job (see platform/serve.ts). */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono()
  const now = deps.now ?? Date.now
  let inFlight = 0
  const tracker = deps.tracker
  if (tracker) {
    app.use(async (_c, next) => {
      tracker.enter()
      try {
        await next()
      } finally {
        tracker.leave()
      }
    })
  }

  app.get(deps.telemetryPath, async (c) => {
    if (deps.maxRequests > 0 && inFlight >= deps.maxRequests) {
      return c.text(`too many concurrent scrapes (limit ${deps.maxRequests})\n`, 503)
    }
    inFlight++
    try {
      const { body, contentType } = await deps.metrics()
      return c.body(body, 200, { 'Content-Type': contentType })
    } finally {
      inFlight--
    }
  })

  app.get('/healthz', (c) => c.text('ok\n'))

  const ready = () => readiness(deps.latest(), now(), deps.staleAfterMs ?? Number.POSITIVE_INFINITY)
  app.get('/ready', (c) => {
    const r = ready()
    return r.ok ? c.text('ready\n') : c.text(`not ready: ${r.reason}\n`, 503)
  })

  app.get('/health', (c) => {
    const snap = deps.latest()
    const collectors: Record<string, unknown> = {}
    for (const [name, h] of deps.health()) {
      collectors[name] = {
        success: h.success,
        last_success: h.lastSuccessAt === null ? null : new Date(h.lastSuccessAt).toISOString(),
        last_error: h.lastError,
        duration_seconds: Number(h.lastDurationSeconds.toFixed(6)),
      }
    }
    const r = ready()
    return c.json({
      status: r.ok ? 'ready' : snap ? 'stale' : 'starting',
      reason: r.reason,
      version: deps.version.version,
      revision: deps.version.revision,
      uptime_seconds: Math.round((now() - deps.startedAt) / 1000),
      last_sample: snap ? new Date(snap.at).toISOString() : null,
      last_sample_duration_seconds: snap ? Number(snap.durationSeconds.toFixed(6)) : null,
      collectors,
    })
  })

  // The page and its document are plain routes of this app: middleware added with
  // app.use (auth, headers) covers them as it covers the telemetry path.
  const page = renderStatusPage(deps.telemetryPath)
  app.get('/', (c) => c.html(page, 200, { 'Cache-Control': 'no-store' }))
  app.get('/status.json', (c) => {
    if (!deps.status) {
      return c.text('no status document\n', 404)
    }
    return c.json(deps.status(ready()), 200, { 'Cache-Control': 'no-store' })
  })

  app.notFound((c) => c.text('not found\n', 404))
  return app
}
