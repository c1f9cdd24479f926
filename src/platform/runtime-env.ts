/**
 * Settings the Bun runtime reads once, when it starts, from the environment. The compiled
 * agent applies them by re-executing itself once (execve: the same PID, binary and
 * arguments) when they are missing, so a plain `odin-agent` on a host gets them as the
 * DaemonSet and the image, which set them, do.
 *
 * BUN_GC_TIMER_DISABLE: Bun's GC controller starts a collection every second while the
 * heap size changes (every 30 s once it stays put). The agent's heap changes on every
 * tick, so it stayed on the 1 s timer: 19 ms of CPU per 30 s in an idle compiled
 * `Bun.serve` hello-world, 0 with the variable; the agent at 15 s ticks 22 -> 17 ms per
 * tick interval (README, Performance). JavaScriptCore's own collections, driven by
 * allocation and its eden/full activity timers, still run, and RSS stays where it was.
 *
 * BUN_JSC_heapGrowthMaxIncrease=1.1: each tick's snapshot lives until the next one, so the
 * eden collection after a tick promotes it (~250 KB) to the old generation, where only a full
 * collection frees it. JavaScriptCore lets the heap grow to about twice its live size before
 * one (full collections at ~21 MB for ~6 MB live): at 15 s ticks RSS climbed from 53 to 74 MiB
 * over ten minutes, then fell back. At 1.1 full collections come at ~12 MB and RSS stayed at
 * 53-62 MiB side by side with other builds, 58.5-65.1 MiB over a 20-minute `bench/rss-soak.ts`
 * alone (README, Runtime settings); 51.5-57.2 with the helper threads below off as well.
 *
 * BUN_JSC_useWarmUpMarkedBlocks=0, BUN_JSC_useConcurrentJIT=0, BUN_JSC_useConcurrentGC=0,
 * BUN_JSC_numberOfGCMarkers=1: the agent runs one short burst every 15 s, and for each burst
 * JavaScriptCore started helper threads (JSCWarmUp, JIT workers, marking helpers) that exited
 * again before the next: 7-8 ms of CPU per 15 s in threads that did not outlive the interval.
 * Without them the JIT's rare compiles and the GC's marking run on the main thread (+2-3 ms
 * there; a full collection of this ~12 MB heap pauses it 4.4-5.2 ms, once every ~20 ticks).
 * Side by side over 10 minutes at 15 s ticks: the first three, three runs, 31.0-32.9 against
 * 36.2-36.7 ms per 15 s, RSS 61-62 against 63-66 MiB; one marker on top, 29.6-29.8 against 33.4.
 *
 * Not set: MIMALLOC_PURGE_DELAY=-1 (mimalloc keeping freed pages). It saved its scavenger
 * thread's 2 ms per 15 s, but RSS only ever grew: 85 MiB after 18 minutes against 65. Nor
 * MIMALLOC_PURGE_HOLES=0: the scavenger 3.2 -> 0.9 ms per 15 s, but RSS 66 against 62 MiB.
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
