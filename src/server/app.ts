import { Hono } from 'hono'
import type { ComponentHealth, Snapshot } from '../sampler/snapshot.ts'
import { readiness } from './readiness.ts'
import type { Readiness } from './readiness.ts'
import type { StatusDoc } from './status-model.ts'
import { acceptsGzip } from './accept-encoding.ts'
import type { BasicAuth } from './basic-auth.ts'
import { EncodedExposition } from './encoded-exposition.ts'
import { ScrapeSlots, slotHoldingBody } from './scrape-slots.ts'
import { renderStatusPage } from './status-page.ts'

/** Kubelet probes cannot send credentials: these stay open when basic auth is configured. */
export const UNAUTHENTICATED_PATHS: ReadonlySet<string> = new Set(['/healthz', '/ready'])

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
  /** The latest published snapshot: /health reads its health, /ready its age. */
  readonly latest: () => Snapshot | undefined
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
  /** `basic_auth_users` of --web.config.file; swapped in place when the file changes. */
  readonly auth?: BasicAuth
  /** `http_server_config.headers` of --web.config.file, read on every response. */
  readonly headers?: () => Readonly<Record<string, string>>
  /** Exposed for tests: the /metrics slots and the per-snapshot encodings. */
  readonly slots?: ScrapeSlots
  readonly encoded?: EncodedExposition
}

/** /health's entry per collector or detector. */
function healthJson(health: ReadonlyMap<string, ComponentHealth> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, h] of health ?? []) {
    out[name] = {
      success: h.success,
      last_success: h.lastSuccessAt === null ? null : new Date(h.lastSuccessAt).toISOString(),
      last_error: h.lastError,
      duration_seconds: Number(h.lastDurationSeconds.toFixed(6)),
    }
  }
  return out
}

/** Builds the HTTP app; binding a port is the platform's job (see platform/serve.ts). */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono()
  const now = deps.now ?? Date.now
  const slots = deps.slots ?? new ScrapeSlots(deps.maxRequests)
  const encoded = deps.encoded ?? new EncodedExposition()
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

  const headers = deps.headers
  if (headers) {
    app.use(async (c, next) => {
      await next()
      for (const [name, value] of Object.entries(headers())) {
        c.res.headers.set(name, value)
      }
    })
  }
  const auth = deps.auth
  if (auth) {
    app.use(async (c, next) => {
      if (auth.enabled && !UNAUTHENTICATED_PATHS.has(c.req.path) && !(await auth.check(c.req.header('authorization')))) {
        return c.text('Unauthorized\n', 401, { 'WWW-Authenticate': 'Basic' })
      }
      return next()
    })
  }

  app.get(deps.telemetryPath, async (c) => {
    const release = slots.tryTake()
    if (!release) {
      return c.text(`too many concurrent scrapes (limit ${slots.limit})\n`, 503)
    }
    try {
      const { body, contentType } = await deps.metrics()
      const encoding = acceptsGzip(c.req.header('accept-encoding')) ? 'gzip' : 'identity'
      const bytes = encoded.encode(body, encoding)
      const head: Record<string, string> = { 'Content-Type': contentType, 'Content-Length': String(bytes.length), Vary: 'Accept-Encoding' }
      if (encoding === 'gzip') {
        head['Content-Encoding'] = 'gzip'
      }
      if (c.req.method === 'HEAD') {
        release()
        return c.body(null, 200, head)
      }
      return c.body(slotHoldingBody(bytes, release), 200, head)
    } catch (err) {
      release()
      throw err
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
    const r = ready()
    return c.json({
      status: r.ok ? 'ready' : snap ? 'stale' : 'starting',
      reason: r.reason,
      version: deps.version.version,
      revision: deps.version.revision,
      uptime_seconds: Math.round((now() - deps.startedAt) / 1000),
      last_sample: snap ? new Date(snap.at).toISOString() : null,
      last_sample_duration_seconds: snap ? Number(snap.durationSeconds.toFixed(6)) : null,
      collectors: healthJson(snap?.health.collectors),
      detectors: healthJson(snap?.health.detectors),
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
