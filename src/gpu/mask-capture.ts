import { programName } from './nvidia-smi-xml.ts'

/** Elements whose text identifies a board, a host or a fabric. */
const SECRET_ELEMENTS = ['serial', 'pdi', 'gpu_fabric_guid', 'chassis_serial_number', 'host_id', 'cliqueId', 'clusterUuid', 'board_part_number']

/**
 * Masks an `nvidia-smi -q -x` capture for committing as a fixture: GPU/MIG UUIDs become
 * `GPU-00000000-0000-0000-0000-<n>` (the same UUID always maps to the same mask, so
 * cross-references hold), serials and fabric ids become REDACTED, process names keep the
 * program name only and PIDs are renumbered. Measurements are left as they are.
 */
export function maskNvidiaSmiCapture(xml: string): string {
  const uuids = new Map<string, string>()
  let out = xml.replace(/\b(GPU|MIG)-[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\b/g, (uuid, kind: string) => {
    let masked = uuids.get(uuid)
    if (!masked) {
      masked = `${kind}-00000000-0000-0000-0000-${String(uuids.size).padStart(12, '0')}`
      uuids.set(uuid, masked)
    }
    return masked
  })
  for (const tag of SECRET_ELEMENTS) {
    out = out.replace(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'), (whole, text: string) => (/^\s*(N\/A|\[N\/A\])?\s*$/.test(text) ? whole : `<${tag}>REDACTED</${tag}>`))
  }
  out = out.replace(/<process_name>([^<]*)<\/process_name>/g, (_, text: string) => `<process_name>${programName(text)}</process_name>`)
  let pid = 1000
  out = out.replace(/<pid>\d+<\/pid>/g, () => `<pid>${pid++}</pid>`)
  return out
}
