// The main thread of the odin-agent binary (entered through main.ts): the edge where Bun,
// signals and process exit live.
import { createAgent } from './agent.ts'
import { renderHelp } from './cli/help.ts'
import { allCollectors } from './collectors/index.ts'
import { flagBool, parseAgentArgs } from './config/config.ts'
import { checkRoots } from './config/roots.ts'
import { describeLimit } from './process/visibility.ts'
import { allDetectors } from './detectors/index.ts'
import { FlagError } from './config/flag-spec.ts'
import { createLogger } from './log/logger.ts'
import { checkListenHost, parseListenAddress } from './platform/listen-address.ts'
import { applyRuntimeEnv } from './platform/runtime-env.ts'
import { serve } from './platform/serve.ts'
import { onReloadSignal, shutdownSignal } from './platform/signals.ts'
import { openWebConfig, watchWebConfig } from './platform/web-config-watch.ts'
import { buildVersion } from './version.ts'
import { createWorkerPool } from './cli/detect/worker-pool.ts'
import { collectorWorkerSpawner } from './platform/collector-worker.ts'
import { MAX_ABANDONED_WORKERS, startCollectorWorkers, stuckReadMs } from './sampler/collector-workers.ts'
import { startTimedReader } from './platform/timed-reader.ts'

// process.exit drops whatever a pipe has not taken yet (`manifests | kubectl` lost all but
// 64 KiB), so every write is tracked and exit waits for them to be flushed.
const pendingWrites = new Set<Promise<void>>()
function tracked(stream: NodeJS.WriteStream): (s: string) => void {
  return (s) => {
    const done = new Promise<void>((resolve) => stream.write(s, () => resolve()))
    pendingWrites.add(done)
    void done.then(() => pendingWrites.delete(done))
  }
}

async function exitAfterFlush(code: number): Promise<never> {
  await Promise.race([Promise.all(pendingWrites), new Promise((r) => setTimeout(r, 30_000))])
  process.exit(code)
}

const io = {
  stdout: tracked(process.stdout),
  stderr: tracked(process.stderr),
  stderrIsTTY: Boolean(process.stderr.isTTY),
}

async function runAgent(argv: readonly string[], entry: URL): Promise<number> {
  const switchables = [...allCollectors, ...allDetectors]
  const { config, help } = parseAgentArgs(argv, switchables)
  if (help) {
    io.stdout(renderHelp(switchables))
    return 0
  }
  const address = parseListenAddress(config.listenAddress)
  checkRoots(config)
  const log = createLogger({ level: config.logLevel, format: config.logFormat })
  // Returns only when it did not re-execute the binary (see runtime-env.ts).
  const runtimeEnv = applyRuntimeEnv(process as Parameters<typeof applyRuntimeEnv>[0])
  log.debug('runtime settings', { outcome: runtimeEnv })
  // Signal handlers go in before the port is bound, so a signal that arrives while the
  // agent starts is a clean shutdown, not the runtime's default kill.
  const signalled = shutdownSignal()
  const web = config.webConfigFile ? openWebConfig(config.webConfigFile) : undefined
  onReloadSignal(() => {
    if (!web) {
      log.info('SIGHUP: nothing to re-read (no --web.config.file)')
    }
  })
  for (const warning of web?.warnings ?? []) {
    log.warn(warning, { file: web?.file })
  }
  await checkListenHost(address)
  const runtime = `bun ${Bun.version}`
  const detectors = allDetectors.filter((d) => config.enabled.includes(d.name)).map((d) => d.create({ config, log: log.child({ detector: d.name }) }))
  // With --sampler.worker, collectors read the host on a worker thread: a read that never
  // returns (a FIFO, a process stuck on a dead NFS mount) cannot stop /metrics, /healthz or
  // SIGTERM here, and a stuck thread is replaced. Off by default: the second VM costs
  // ~10 MiB RSS (docs/performance.md). Without it the collectors run here, and the reads
  // that can block are refused (not a regular file) or made by a native helper thread with
  // a deadline (cmdline and sensor files: safe-reads.ts, timed-reader.ts).
  const workers = flagBool(config, 'sampler.worker')
    ? startCollectorWorkers({
        collectors: allCollectors.filter((c) => config.enabled.includes(c.name)),
        spawn: collectorWorkerSpawner(entry, config),
        log,
        stuckAfterMs: stuckReadMs(config.collectorTimeoutMs),
        maxAbandoned: MAX_ABANDONED_WORKERS,
      })
    : undefined
  const safe = workers ? undefined : { timed: startTimedReader(log) }
  const agent = createAgent({
    config,
    collectors: allCollectors,
    detectors,
    log,
    version: { ...buildVersion, runtime },
    web: web && { auth: web.auth, headers: web.headers },
    workers,
    safe,
  })
  const server = serve(agent.app, address, web?.tls())
  const stopWatching = web ? watchWebConfig(web, server, log) : undefined
  log.info('starting odin-agent', {
    version: buildVersion.version,
    revision: buildVersion.revision,
    address: `${address.hostname}:${server.port}`,
    tls: Boolean(web?.tls()),
    basic_auth: Boolean(web?.auth.enabled),
  })
  log.info('enabled collectors and detectors', { enabled: [...config.enabled].sort().join(',') })
  const { visibility } = agent
  if (visibility.limits.length > 0) {
    log.warn('limited view of other processes; process and threat metrics miss what it cannot read (see README, Health)', {
      reasons: visibility.limits.join(','),
      detail: visibility.limits.map(describeLimit).join('; '),
    })
  }
  if (visibility.rootWarning) {
    log.warn('running as root; the agent needs only read access to /proc and /sys (see README)')
  }
  // With Bun's 1 s GC timer off (runtime-env.ts), one collection after each tick, when its
  // garbage is fresh: RSS stays about where the timer kept it, where no collection at all
  // let it grow (docs/performance.md).
  agent.sampler.onSnapshot(() => Bun.gc(false))
  agent.start()

  const signal = await signalled
  log.info('shutting down', { signal })
  stopWatching?.()
  await drain(agent.requests, 200, 1500)
  await Promise.race([Promise.all([server.stop(100), agent.stop()]), new Promise((r) => setTimeout(r, 200))])
  return 0
}

/**
 * Keeps serving for a short grace period, so a scrape whose bytes are already in an
 * accepted socket is answered rather than reset, then waits for in-flight requests.
 */
async function drain(requests: { inFlight: number }, graceMs: number, maxMs: number): Promise<void> {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
  await sleep(graceMs)
  const deadline = Date.now() + maxMs
  while (requests.inFlight > 0 && Date.now() < deadline) {
    await sleep(10)
  }
}

async function main(argv: readonly string[], entry: URL): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'version':
    case '--version':
      io.stdout(`odin-agent ${buildVersion.version} (revision ${buildVersion.revision}, bun ${Bun.version})\n`)
      return 0
    case 'detect': {
      const { runDetectCommand } = await import('./cli/detect/index.ts')
      // The build raises JIT tier-up thresholds x100 for the agent's short bursts; a batch run
      // of the forest is the opposite workload (26,900 -> 41,000 points/s on one thread).
      Bun.unsafe.setJITPolicy(1)
      // Workers run this same module (the binary has one entry point) and serve detect jobs.
      return runDetectCommand(rest, { ...io, createPool: (size) => createWorkerPool(entry, size) })
    }
    case 'manifests': {
      const { runManifestsCommand } = await import('./cli/manifests/index.ts')
      const { embeddedAssetSource } = await import('./platform/embedded-assets.ts')
      return runManifestsCommand(rest, io, embeddedAssetSource())
    }
    default:
      return runAgent(argv, entry)
  }
}

/** Runs the command line; `entry` is the binary's entry module, which worker threads run too. */
export async function runMainThread(entry: URL): Promise<void> {
  try {
    await exitAfterFlush(await main(process.argv.slice(2), entry))
  } catch (err) {
    if (err instanceof FlagError) {
      io.stderr(`odin-agent: ${err.message}\n`)
      await exitAfterFlush(2)
    }
    io.stderr(`odin-agent: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    await exitAfterFlush(1)
  }
}
