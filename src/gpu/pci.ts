/**
 * PCI addresses in the forms nvidia-smi (`00000000:3B:00.0`), procfs (`0000:3b:00.0`) and
 * the kernel's NVRM Xid lines (`PCI:0000:3b:00`) write them, reduced to one key:
 * `dddd:bb:dd` in lower case (the function number is left out: Xid lines omit it).
 */
export function pciKey(text: string): string | undefined {
  const m = /^(?:PCI:)?(?:([0-9a-fA-F]{1,8}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})(?:\.[0-7])?$/.exec(text.trim())
  if (!m) {
    return undefined
  }
  const domain = (m[1] ?? '0').toLowerCase().padStart(4, '0').slice(-4)
  const bus = (m[2] as string).toLowerCase().padStart(2, '0')
  const device = (m[3] as string).toLowerCase().padStart(2, '0')
  return `${domain}:${bus}:${device}`
}
