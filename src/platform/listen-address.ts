import { FlagError } from '../config/flag-spec.ts'

export interface ListenAddress {
  readonly hostname: string
  readonly port: number
}

/** Parses node_exporter-style listen addresses: `:9405`, `127.0.0.1:0`, `[::1]:9405`. */
export function parseListenAddress(text: string): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text)
  const port = m ? Number(m[3]) : Number.NaN
  if (!m || port > 65535) {
    throw new FlagError(`--web.listen-address: invalid value "${text}" (accepted: [host]:port, e.g. :9405 or 127.0.0.1:9405)`)
  }
  const host = m[1] ?? m[2] ?? ''
  return { hostname: host === '' ? '0.0.0.0' : host, port }
}
