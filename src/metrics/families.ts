import type { FamilyDecl } from './declared.ts'
import type { Labels, MetricFamily, MetricType, Sample } from './types.ts'

interface MutableFamily {
  name: string
  help: string
  type: MetricType
  samples: Sample[]
}

/**
 * Collects samples into metric families while a collector runs. The first call for a
 * name fixes its help and type; later calls only append samples.
 */
export class Families {
  private readonly byName = new Map<string, MutableFamily>()

  add(name: string, type: MetricType, help: string, labels: Labels, value: number): void {
    let family = this.byName.get(name)
    if (!family) {
      family = { name, help, type, samples: [] }
      this.byName.set(name, family)
    }
    family.samples.push({ labels, value })
  }

  gauge(name: string, help: string, value: number, labels: Labels = {}): void {
    this.add(name, 'gauge', help, labels, value)
  }

  counter(name: string, help: string, value: number, labels: Labels = {}): void {
    this.add(name, 'counter', help, labels, value)
  }

  /** A sample of a declared family: its name, type and HELP come from the declaration. */
  put(decl: FamilyDecl, value: number, labels: Labels = {}): void {
    this.add(decl.name, decl.type, decl.help, labels, value)
  }

  /** Declares a family with no samples yet, so its HELP/TYPE are known. */
  declare(name: string, type: MetricType, help: string): void {
    if (!this.byName.has(name)) {
      this.byName.set(name, { name, help, type, samples: [] })
    }
  }

  list(): MetricFamily[] {
    return [...this.byName.values()].filter((f) => f.samples.length > 0)
  }
}
