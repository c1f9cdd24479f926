/** One /proc/driver/nvidia/gpus/<pci>/information file. */
export interface NvidiaProcGpu {
  readonly model: string
  readonly uuid: string
  readonly minor: number | undefined
}

/**
 * Parses /proc/driver/nvidia/gpus/<pci>/information ("Model: \t NVIDIA A100...",
 * "GPU UUID: \t GPU-...", "Device Minor: \t 0"). Missing keys are ''.
 */
export function parseNvidiaProcInformation(text: string): NvidiaProcGpu {
  const fields = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon > 0) {
      fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
    }
  }
  const minorText = fields.get('Device Minor') ?? ''
  return {
    model: fields.get('Model') ?? '',
    uuid: fields.get('GPU UUID') ?? '',
    minor: /^\d+$/.test(minorText) ? Number(minorText) : undefined,
  }
}
