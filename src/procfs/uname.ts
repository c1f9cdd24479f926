/** The uname(2) fields node_uname_info carries, by label name. */
export interface Uname {
  readonly sysname: string
  readonly release: string
  readonly version: string
  readonly machine: string
  readonly nodename: string
  readonly domainname: string
}

/** /proc/sys/kernel/<file> holding each uname field (machine: `arch`, Linux 6.1+). */
export const UNAME_KERNEL_FILES: Readonly<Record<keyof Uname, string>> = {
  sysname: 'ostype',
  release: 'osrelease',
  version: 'version',
  machine: 'arch',
  nodename: 'hostname',
  domainname: 'domainname',
}

/**
 * The value of a /proc/sys/kernel string file: the text up to its first line break
 * (the kernel writes one line; uname(2) returns the same bytes without it).
 */
export function kernelString(text: string): string {
  const nl = text.search(/\r?\n/)
  return nl === -1 ? text : text.slice(0, nl)
}
