import { HIDDEN_COMPONENT, SHM_DIR, TEMP_DIR } from '../lists.ts'
import type { ProcessFacts } from '../types.ts'

export function isMemfd(exe: string | undefined): boolean {
  return exe !== undefined && /^\/?memfd:/.test(exe)
}

/** runc re-executes itself from a memfd copy (CVE-2019-5736 fix); that one is expected. */
export function isRuncMemfd(exe: string | undefined): boolean {
  return exe !== undefined && /^\/?memfd:runc_cloned/.test(exe)
}

/**
 * An executable dropped where anyone may write or nobody looks: /dev/shm and /dev, a
 * hidden or deleted file in a temp dir, a hidden directory outside home directories, or
 * an in-memory file. Binaries under home directories and /opt are users' own.
 */
export function untrustedExecutable(p: Pick<ProcessFacts, 'exe' | 'exeDeleted'>): boolean {
  const exe = p.exe
  if (exe === undefined) {
    return false
  }
  if (isMemfd(exe)) {
    return !isRuncMemfd(exe)
  }
  if (SHM_DIR.test(exe) || /^\/dev\//.test(exe)) {
    return true
  }
  if (TEMP_DIR.test(exe)) {
    return HIDDEN_COMPONENT.test(exe) || p.exeDeleted
  }
  // Dot-directories belong in home directories (.local, .vscode-server, .conda), not in /etc or /usr.
  return HIDDEN_COMPONENT.test(exe) && !/^\/(?:home\/[^/]+|root)\//.test(exe)
}
