import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { FlagError } from '../config/flag-spec.ts'

export interface ListenAddress {
  readonly hostname: string
  readonly port: number
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/

function invalid(text: string): FlagError {
  return new FlagError(`--web.listen-address: invalid value ${JSON.stringify(text)} (accepted: [host]:port, e.g. :9405 or 127.0.0.1:9405)`)
}

/** Parses node_exporter-style listen addresses: `:9405`, `127.0.0.1:0`, `[::1]:9405`. */
export function parseListenAddress(text: string): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text)
  const port = m ? Number(m[3]) : Number.NaN
  if (!m || port > 65535) {
    throw invalid(text)
  }
  if (m[1] !== undefined && isIP(m[1]) !== 6) {
    throw invalid(text)
  }
  const host = m[1] ?? m[2] ?? ''
  if (host !== '' && !isIP(host) && !HOSTNAME.test(host)) {
    throw invalid(text)
  }
  return { hostname: host === '' ? '0.0.0.0' : host, port }
}

/**
 * A host name must resolve before it is bound: Bun reports an unknown name as "port in
 * use", which sends the reader to the wrong problem.
 */
export async function checkListenHost(address: ListenAddress): Promise<void> {
  if (isIP(address.hostname)) {
    return
  }
  try {
    await lookup(address.hostname)
  } catch {
    throw new FlagError(`--web.listen-address: cannot listen on ${address.hostname}:${address.port}: host not found`)
  }
}
