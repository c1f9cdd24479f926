import { statSync } from 'node:fs'
import { join } from 'node:path'
import type { AgentConfig } from './config.ts'
import { FlagError } from './flag-spec.ts'

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/**
 * A --path.* root that is not a directory, or a procfs root without `stat`, would leave
 * nearly every collector failing behind a /ready of 200: the agent refuses to start
 * instead (FlagError: one line, exit 2).
 */
export function checkRoots(config: Pick<AgentConfig, 'procfs' | 'sysfs' | 'rootfs'>): void {
  for (const [flag, path] of [
    ['path.procfs', config.procfs],
    ['path.sysfs', config.sysfs],
    ['path.rootfs', config.rootfs],
  ] as const) {
    if (!isDirectory(path)) {
      throw new FlagError(`--${flag}: ${JSON.stringify(path)} is not a directory`)
    }
  }
  try {
    statSync(join(config.procfs, 'stat'))
  } catch {
    throw new FlagError(`--path.procfs: ${JSON.stringify(config.procfs)} has no stat file; is it a procfs mount?`)
  }
}
