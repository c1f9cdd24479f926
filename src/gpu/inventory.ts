import type { GpuReading } from './nvidia-smi-xml.ts'

/** How a GPU is named in dcgm-exporter's labels. */
export interface GpuIdentity {
  readonly gpu: string
  readonly UUID: string
  readonly device: string
  readonly modelName: string
}

/**
 * PCI address -> GPU identity, as last reported by nvidia-smi. Entries are kept when a GPU
 * vanishes from later reports, so an Xid 79 ("fallen off the bus") still names its GPU.
 */
export class GpuInventory {
  private readonly byPci = new Map<string, GpuIdentity>()

  record(gpus: readonly GpuReading[]): void {
    for (const g of gpus) {
      if (g.pci !== '') {
        this.byPci.set(g.pci, { gpu: String(g.index), UUID: g.uuid, device: g.device, modelName: g.name })
      }
    }
  }

  lookup(pci: string): GpuIdentity | undefined {
    return this.byPci.get(pci)
  }

  entries(): [string, GpuIdentity][] {
    return [...this.byPci]
  }

  get size(): number {
    return this.byPci.size
  }
}
