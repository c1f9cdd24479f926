import type { ProcessIdentity } from './types.ts'

/** Splits /proc/PID/cmdline (NUL-separated, usually NUL-terminated) into argv. */
export function parseCmdline(raw: string): string[] {
  if (raw === '') {
    return []
  }
  const parts = raw.split('\0')
  while (parts.length > 0 && parts[parts.length - 1] === '') {
    parts.pop()
  }
  return parts
}

const DELETED = ' (deleted)'

/** Splits the /proc/PID/exe link text into path and deleted flag. */
export function parseExeLink(link: string): { exe: string; deleted: boolean } {
  return link.endsWith(DELETED) ? { exe: link.slice(0, -DELETED.length), deleted: true } : { exe: link, deleted: false }
}

const CONTAINER_CGROUP = /kubepods|\/docker[-/]|docker-[0-9a-f]{12}|containerd|cri-containerd|crio-|libpod|\/lxc\/|machine-rkt|\/podman/

/** True when a /proc/PID/cgroup text places the process in a container. */
export function cgroupIsContainer(text: string): boolean {
  return CONTAINER_CGROUP.test(text)
}

export const KERNEL_IDENTITY: ProcessIdentity = Object.freeze({ argv: [], exeDeleted: false, container: false })
