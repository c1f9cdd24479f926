import { grpcUnaryUnix } from '../platform/grpc-unix.ts'
import { gpuOwners, parseListPodResourcesResponse } from '../procfs/pod-resources.ts'
import type { GpuOwner } from '../procfs/pod-resources.ts'
import { onChange } from '../log/on-change.ts'

const LIST = '/v1.PodResourcesLister/List'
const TIMEOUT_MS = 2_000
/** A node's pod list with its devices is a few KB a pod; 16 MiB is far above any real one. */
const MAX_BYTES = 16 * 1024 * 1024
/** An owner map older than this is not used (a GPU may have moved to another pod since). */
const STALE_MS = 120_000

/**
 * Which container each GPU is allocated to, from the kubelet's pod-resources socket (gRPC
 * over a Unix socket under --path.rootfs). Asked in the background once per tick at most,
 * never awaited by a scrape: a tick labels GPUs from the last answer. A missing socket (no
 * kubelet) or a failure keeps no owners and is reported once per change of error.
 */
export class PodResourcesTier {
  private owners = new Map<string, GpuOwner>()
  private answeredAt = -Infinity
  private inFlight: Promise<void> | undefined
  private readonly report: (message: string | undefined) => void

  constructor(
    private readonly socketPath: string,
    onError: (message: string | undefined) => void,
  ) {
    this.report = onChange(onError)
  }

  /** The owner of a GPU or MIG UUID in the last fresh answer. */
  ownerOf(uuid: string, now: number): GpuOwner | undefined {
    return now - this.answeredAt <= STALE_MS ? this.owners.get(uuid) : undefined
  }

  /** Starts one call unless one is in flight; returns it (tests await it). */
  refresh(now: () => number): Promise<void> {
    this.inFlight ??= this.ask(now).finally(() => {
      this.inFlight = undefined
    })
    return this.inFlight
  }

  private async ask(now: () => number): Promise<void> {
    try {
      const answer = await grpcUnaryUnix(this.socketPath, LIST, new Uint8Array(0), { timeoutMs: TIMEOUT_MS, maxBytes: MAX_BYTES })
      this.owners = gpuOwners(parseListPodResourcesResponse(answer))
      this.answeredAt = now()
      this.report(undefined)
    } catch (err) {
      this.report((err as Error).message)
    }
  }
}
