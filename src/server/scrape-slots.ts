/**
 * Bounds the `/metrics` responses in flight (`--web.max-requests`). A slot is taken when a
 * scrape arrives and given back once the runtime has taken the whole body, or the client
 * went away: the handler itself returns at once (the exposition is rendered once per
 * snapshot), so counting only handler time would never see two scrapes at a time.
 */
export class ScrapeSlots {
  private held = 0

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.held
  }

  /** A release function, or null when every slot is taken (the caller answers 503). */
  tryTake(): (() => void) | null {
    if (this.limit > 0 && this.held >= this.limit) {
      return null
    }
    this.held++
    let given = false
    return () => {
      if (!given) {
        given = true
        this.held--
      }
    }
  }
}

/** The body as a stream that gives its slot back once read to the end or cancelled. */
export function slotHoldingBody(bytes: Uint8Array, release: () => void, chunkBytes = 64 * 1024): ReadableStream<Uint8Array> {
  let offset = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close()
        release()
        return
      }
      controller.enqueue(bytes.subarray(offset, offset + chunkBytes))
      offset += chunkBytes
    },
    cancel() {
      release()
    },
  })
}
