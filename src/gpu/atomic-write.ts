import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * Writes a small state file so that a crash leaves either the old or the new content:
 * temp file, fsync, rename over the target, fsync the directory.
 */
export function writeFileAtomicSync(path: string, data: string): void {
  const dir = dirname(path)
  mkdirSync(dir, { recursive: true, mode: 0o750 })
  const tmp = `${path}.tmp-${process.pid}`
  const fd = openSync(tmp, 'w', 0o640)
  try {
    writeSync(fd, data)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  try {
    renameSync(tmp, path)
  } catch (err) {
    try {
      unlinkSync(tmp)
    } catch {
      // already gone
    }
    throw err
  }
  const dirFd = openSync(dir, 'r')
  try {
    fsyncSync(dirFd)
  } finally {
    closeSync(dirFd)
  }
}
