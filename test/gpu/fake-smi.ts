import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const REPO = resolve(import.meta.dirname, '../..')
export const FAKE_BIN = join(REPO, 'test/bin/fake-nvidia-smi')

export function fixture(name: string): string {
  return join(REPO, 'test/fixtures/nvidia-smi', name)
}

export interface FakeControl {
  mode?: 'replay' | 'truncated' | 'exit2' | 'hang' | 'no-devices' | 'no-driver' | 'slow'
  capture?: string
  dropGpus?: number
  delayMs?: number
  /** File the fake appends "start|end <pid> <ms>" lines to. */
  log?: string
}

export interface FakeSmi {
  /** Absolute path to pass as --collector.gpu.nvidia-smi-path. */
  readonly path: string
  readonly dir: string
  set(control: FakeControl): void
}

/**
 * Installs `<tmp>/nvidia-smi`: a two-line wrapper that execs the fake with a control file,
 * so the collector runs it exactly as it runs the real one (absolute path, `-q -x`, the
 * minimal environment) while the test picks the behaviour.
 */
export function installFakeNvidiaSmi(control: FakeControl): FakeSmi {
  const dir = mkdtempSync(join(tmpdir(), 'odin-fake-smi-'))
  const controlPath = join(dir, 'control.json')
  const path = join(dir, 'nvidia-smi')
  writeFileSync(path, `#!/bin/sh\nexec '${process.execPath}' '${FAKE_BIN}' --control '${controlPath}' "$@"\n`)
  chmodSync(path, 0o755)
  const set = (c: FakeControl) => writeFileSync(controlPath, JSON.stringify(c))
  set(control)
  return { path, dir, set }
}
