import { createHash, randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { deflateSync, inflateSync } from 'node:zlib'

/**
 * The on-disk model file: one header line, then the deflated JSON payload.
 *
 *   odin-anomaly-model 4 sha256=<hex of the payload bytes> bytes=<payload length>\n<payload>
 *
 * Written atomically (temp file, fsync, rename, directory fsync), so a crash leaves the old file
 * or the new one. Reading never throws: a missing, truncated, corrupt or foreign file, or one
 * of another version, comes back as a reason, and the caller retrains.
 */
export const MODEL_MAGIC = 'odin-anomaly-model'
/**
 * 4: the seasonal feature also looks a week back: the state carries the weekly envelope and
 * its shape the weekly options. 3: the state's shape names the depth cap and the training
 * rows' precision (float32 rows in the compact model). 2: compact forest (preorder trees,
 * `roots`/`links`/`nodes`); 1: complete heap-ordered trees. Files of an older version are
 * refused and the series retrains.
 */
export const MODEL_VERSION = 4
/**
 * A payload inflating past this is refused when the caller gives no cap of its own; callers
 * pass the bound their model can reach (maxEncodedStateBytes x series), so a 200 KB file that
 * inflates to 200 MB stops at that bound instead of taking the agent's memory.
 */
export const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024

export type LoadResult = { readonly ok: true; readonly payload: unknown } | { readonly ok: false; readonly reason: string }

export class ModelWriteError extends Error {
  override readonly name = 'ModelWriteError'
}

export function encodeModel(payload: unknown): Buffer {
  const body = deflateSync(Buffer.from(JSON.stringify(payload), 'utf8'))
  const sum = createHash('sha256').update(body).digest('hex')
  const header = Buffer.from(`${MODEL_MAGIC} ${MODEL_VERSION} sha256=${sum} bytes=${body.length}\n`, 'utf8')
  return Buffer.concat([header, body])
}

export function decodeModel(file: Buffer, maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES): LoadResult {
  const nl = file.indexOf(0x0a)
  if (nl < 0 || nl > 200) return { ok: false, reason: 'no header line' }
  const header = /^(\S+) (\d+) sha256=([0-9a-f]{64}) bytes=(\d+)$/.exec(file.subarray(0, nl).toString('latin1'))
  if (!header || header[1] !== MODEL_MAGIC) return { ok: false, reason: 'not an odin anomaly model' }
  if (Number(header[2]) !== MODEL_VERSION) return { ok: false, reason: `model version ${header[2]}, want ${MODEL_VERSION}` }
  const body = file.subarray(nl + 1)
  if (body.length !== Number(header[4])) return { ok: false, reason: `payload is ${body.length} bytes, header says ${header[4]}` }
  if (createHash('sha256').update(body).digest('hex') !== header[3]) return { ok: false, reason: 'checksum mismatch' }
  let inflated: Buffer
  try {
    // zlib stops at maxOutputLength: at most the cap is ever allocated.
    inflated = inflateSync(body, { maxOutputLength: maxPayloadBytes })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) return { ok: false, reason: `payload inflates past ${maxPayloadBytes} bytes` }
    return { ok: false, reason: `payload unreadable: ${err instanceof Error ? err.message : String(err)}` }
  }
  try {
    const json = inflated.toString('utf8')
    return { ok: true, payload: JSON.parse(json) }
  } catch (err) {
    return { ok: false, reason: `payload unreadable: ${err instanceof Error ? err.message : String(err)}` }
  }
}

/** Reads a model file; never throws. */
export function loadModel(path: string, maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES): LoadResult {
  let file: Buffer
  try {
    file = readFileSync(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error'
    return { ok: false, reason: code === 'ENOENT' ? 'no model file' : `cannot read (${code})` }
  }
  return decodeModel(file, maxPayloadBytes)
}

/**
 * Moves a model file that failed validation aside to `<path>.rejected` (replacing an older
 * one), so the next start neither trips on it again nor loses it for a post-mortem.
 * Returns the new path, or undefined when it could not be moved (then it is removed).
 */
export function rejectModel(path: string): string | undefined {
  const aside = `${path}.rejected`
  try {
    renameSync(path, aside)
    return aside
  } catch {
    rmSync(path, { force: true })
    return undefined
  }
}

/**
 * Removes `*.model.tmp-*` files a crash mid-save left in `dir` (as Prometheus' TSDB removes
 * its leftovers on open). Call at start, before any save. Returns the names removed.
 */
export function removeLeftoverTemps(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  const removed: string[] = []
  for (const name of names) {
    if (!/\.model\.tmp-[^/]*$/.test(name)) continue
    try {
      rmSync(join(dir, name), { force: true })
      removed.push(name)
    } catch {
      // Not ours to remove (permissions): leave it.
    }
  }
  return removed
}

/** Writes the model file atomically: temp file in the same directory, fsync, rename, dir fsync. */
export function saveModel(path: string, payload: unknown): void {
  const data = encodeModel(payload)
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  try {
    const fd = openSync(tmp, 'w', 0o600)
    try {
      let off = 0
      while (off < data.length) off += writeSync(fd, data, off, data.length - off)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, path)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw new ModelWriteError(`writing anomaly model ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
  try {
    const dfd = openSync(dirname(path), 'r')
    try {
      fsyncSync(dfd)
    } finally {
      closeSync(dfd)
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself has happened.
  }
}
