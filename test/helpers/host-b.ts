import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { CollectOptions } from './collect.ts'

/** The hand-written fixture host of the extended collectors (test/fixtures/host-b). */
export const HOST_B_DIR = join(import.meta.dirname, '..', 'fixtures', 'host-b')

export const HOST_B: CollectOptions = {
  procfs: join(HOST_B_DIR, 'proc'),
  sysfs: join(HOST_B_DIR, 'sys'),
  rootfs: join(HOST_B_DIR, 'root'),
}

/** Writes `files` (relative path -> content) under a fresh temporary directory. */
export function writeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'odin-fixture-'))
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
  }
  return root
}

/** Runs `fn` with a temporary procfs holding `files`, removed afterwards. */
export async function withProc<T>(files: Record<string, string>, fn: (o: CollectOptions) => Promise<T>, extra: CollectOptions = {}): Promise<T> {
  const root = writeTree(files)
  try {
    return await fn({ ...extra, procfs: root })
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

/** Runs `fn` with a temporary sysfs holding `files`, removed afterwards. */
export async function withSys<T>(files: Record<string, string>, fn: (o: CollectOptions) => Promise<T>, extra: CollectOptions = {}): Promise<T> {
  const root = writeTree(files)
  try {
    return await fn({ ...extra, sysfs: root })
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}
