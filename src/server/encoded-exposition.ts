import { gzipSync } from 'node:zlib'

export type Encoding = 'gzip' | 'identity'

/**
 * The exposition's bytes per encoding, computed once per snapshot: the registry hands out
 * the same string until the next snapshot, so a burst of scrapes, or two Prometheus
 * replicas, costs one encode and one gzip.
 */
export class EncodedExposition {
  private text: string | undefined
  private readonly bytes = new Map<Encoding, Uint8Array>()
  private gzips = 0

  constructor(private readonly gzip: (data: Uint8Array) => Uint8Array = (d) => gzipSync(d, { level: 6 })) {}

  /** How many times the text was compressed (tests check: once per snapshot). */
  get compressions(): number {
    return this.gzips
  }

  encode(text: string, encoding: Encoding): Uint8Array {
    if (text !== this.text) {
      this.text = text
      this.bytes.clear()
    }
    let out = this.bytes.get(encoding)
    if (!out) {
      const identity = this.bytes.get('identity') ?? new TextEncoder().encode(text)
      this.bytes.set('identity', identity)
      if (encoding === 'gzip') {
        out = this.gzip(identity)
        this.gzips++
        this.bytes.set('gzip', out)
      } else {
        out = identity
      }
    }
    return out
  }
}
