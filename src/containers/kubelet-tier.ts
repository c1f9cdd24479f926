import { readFileSync } from 'node:fs'
import { httpGet } from '../platform/http-get.ts'
import { MAX_PODS_BYTES, parseKubeletPods } from '../procfs/kubelet-pods.ts'
import type { KubeletPods } from '../procfs/kubelet-pods.ts'
import { onChange } from '../log/on-change.ts'

export interface KubeletTierOptions {
  /** The kubelet's pod list, e.g. https://$(NODE_IP):10250/pods. */
  readonly url: URL
  /** A bearer token, re-read before every request (projected tokens rotate); '' for none. */
  readonly tokenFile: string
  /** PEM CA bundle for the kubelet's serving certificate; '' for the system's. */
  readonly caFile: string
  readonly insecureSkipVerify: boolean
}

/** The list is fetched at most this often while every container resolves… */
const REFRESH_MS = 60_000
/** …and at most this often while some container no other tier names is waiting for it. */
const MISS_REFRESH_MS = 10_000
const TIMEOUT_MS = 5_000

/**
 * The optional fourth identity tier: the kubelet's /pods (off unless
 * --collector.containers.kubelet-url is set). Fetched in the background, never awaited by a
 * scrape: a tick resolves from the last list received, and asks for a new one when it is
 * old or when a container no other tier names is waiting. A failed fetch keeps the last
 * list and is reported once per change of error. The token is read per request and never
 * logged; the pod spec's env values are dropped while the JSON is parsed.
 */
export class KubeletTier {
  private latest: KubeletPods | undefined
  private fetchedAt = -Infinity
  private inFlight: Promise<void> | undefined
  private readonly report: (message: string | undefined) => void

  constructor(
    private readonly options: KubeletTierOptions,
    onError: (message: string | undefined) => void,
  ) {
    this.report = onChange(onError)
  }

  /** The last list received, undefined before the first. */
  get pods(): KubeletPods | undefined {
    return this.latest
  }

  /** Starts a fetch when the list is stale; `missing` says some container waits for a name. Returns the fetch (tests await it). */
  refresh(now: number, missing: boolean): Promise<void> | undefined {
    if (this.inFlight) return this.inFlight
    const age = now - this.fetchedAt
    if (age < REFRESH_MS && !(missing && age >= MISS_REFRESH_MS)) return undefined
    this.fetchedAt = now
    this.inFlight = this.fetch().finally(() => {
      this.inFlight = undefined
    })
    return this.inFlight
  }

  private async fetch(): Promise<void> {
    try {
      const { tokenFile, caFile, url, insecureSkipVerify } = this.options
      const token = tokenFile === '' ? '' : readFileSync(tokenFile, 'utf8').trim()
      const ca = caFile === '' ? undefined : readFileSync(caFile, 'utf8')
      const body = await httpGet(url, {
        headers: token === '' ? {} : { authorization: `Bearer ${token}` },
        ca,
        insecureSkipVerify,
        timeoutMs: TIMEOUT_MS,
        maxBytes: MAX_PODS_BYTES,
      })
      const pods = parseKubeletPods(body)
      if (pods === undefined) throw new Error('the answer is not a pod list')
      this.latest = pods
      this.report(undefined)
    } catch (err) {
      this.report((err as Error).message)
    }
  }
}

/** Flag checks: each returns what the value must be, or undefined when it is fine. */
export function checkKubeletUrl(value: string): string | undefined {
  let u: URL
  try {
    u = new URL(value)
  } catch {
    return 'an http:// or https:// URL of the kubelet pod list, e.g. https://$NODE_IP:10250/pods'
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'an http:// or https:// URL of the kubelet pod list, e.g. https://$NODE_IP:10250/pods'
  if (u.username !== '' || u.password !== '') return 'a URL without user:password@ (the token comes from --collector.containers.kubelet-token-file)'
  return undefined
}

export function checkReadableFile(what: string): (value: string) => string | undefined {
  return (value) => {
    try {
      const text = readFileSync(value, 'utf8')
      if (text.trim() === '') return `a readable, non-empty ${what} file`
      if (what === 'PEM CA' && !text.includes('-----BEGIN CERTIFICATE-----')) return 'a readable PEM CA file (-----BEGIN CERTIFICATE-----)'
      return undefined
    } catch {
      return `a readable, non-empty ${what} file`
    }
  }
}
