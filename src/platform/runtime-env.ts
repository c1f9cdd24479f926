/**
 * Settings the Bun runtime reads once, when it starts, from the environment. The compiled
 * agent applies them by re-executing itself once (execve: the same PID, binary and
 * arguments) when they are missing, so a plain `odin-agent` on a host gets them as the
 * DaemonSet and the image, which set them, do.
 *
 * Each setting's figures, dated: docs/performance.md, "Figures behind source comments".
 *
 * BUN_GC_TIMER_DISABLE: Bun's GC controller starts a collection every second while the
 * heap size changes (every 30 s once it stays put). The agent's heap changes on every
 * tick, so it stayed on the 1 s timer and burnt CPU even idle. JavaScriptCore's own
 * collections, driven by allocation and its eden/full activity timers, still run, and RSS
 * stays where it was.
 *
 * BUN_JSC_heapGrowthMaxIncrease=1.1: each tick's snapshot lives until the next one, so the
 * eden collection after a tick promotes it to the old generation, where only a full
 * collection frees it. JavaScriptCore lets the heap grow to about twice its live size before
 * one, so RSS climbed over minutes at 15 s ticks, then fell back; capped at 1.1x the full
 * collections come sooner and RSS stays lower and flatter (README, Runtime settings).
 *
 * BUN_JSC_useWarmUpMarkedBlocks=0, BUN_JSC_useConcurrentJIT=0, BUN_JSC_useConcurrentGC=0,
 * BUN_JSC_numberOfGCMarkers=1: the agent runs one short burst every 15 s, and for each burst
 * JavaScriptCore started helper threads (JSCWarmUp, JIT workers, marking helpers) that exited
 * again before the next. Without them the JIT's rare compiles and the GC's marking run on the
 * main thread, which costs less CPU and RSS in all than the threads did; the price is a
 * longer full-collection pause, once every ~20 ticks.
 *
 * Not set: MIMALLOC_PURGE_DELAY=-1 (mimalloc keeping freed pages). It saved its scavenger
 * thread's CPU, but RSS only ever grew. Nor MIMALLOC_PURGE_HOLES=0: less scavenger CPU, more
 * RSS.
 */
export const RUNTIME_ENV: Readonly<Record<string, string>> = Object.freeze({
  BUN_GC_TIMER_DISABLE: '1',
  BUN_JSC_heapGrowthMaxIncrease: '1.1',
  BUN_JSC_useWarmUpMarkedBlocks: '0',
  BUN_JSC_useConcurrentJIT: '0',
  BUN_JSC_useConcurrentGC: '0',
  BUN_JSC_numberOfGCMarkers: '1',
})

/** The settings env lacks; a variable set to anything counts as set (the user's choice). */
export function missingRuntimeEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const missing: Record<string, string> = {}
  for (const [name, value] of Object.entries(RUNTIME_ENV)) {
    if (env[name] === undefined) {
      missing[name] = value
    }
  }
  return missing
}

interface ProcessLike {
  readonly argv: readonly string[]
  readonly execPath: string
  readonly env: NodeJS.ProcessEnv
  execve?(file: string, args: readonly string[], env: NodeJS.ProcessEnv): never
}

/**
 * Re-executes the compiled binary with the runtime settings when any is missing. Returns
 * why it did not (it returns only then): not compiled, nothing missing, or execve failed,
 * in which case the agent runs on with Bun's defaults.
 */
export function applyRuntimeEnv(proc: ProcessLike): string {
  // A compiled Bun program sees its bundle as argv[1], under Bun's virtual filesystem.
  if (!proc.argv[1]?.startsWith('/$bunfs/')) {
    return 'not a compiled binary'
  }
  const missing = missingRuntimeEnv(proc.env)
  if (Object.keys(missing).length === 0) {
    return 'runtime settings present'
  }
  if (typeof proc.execve !== 'function') {
    return 'execve unavailable'
  }
  try {
    proc.execve(proc.execPath, [proc.execPath, ...proc.argv.slice(2)], { ...proc.env, ...missing })
  } catch (err) {
    return `execve failed: ${err instanceof Error ? err.message : String(err)}`
  }
  return 'execve returned'
}
