import { type RouteSchedule, type Voyage, voyageAt } from '../core/schedule.js';

/**
 * A trip known by its departure instant; its id (a UUIDv5, a SHA-1) is computed when first needed, after the
 * burst of state changes of an instant, not during it.
 */
export class VoyageRef {
  private known: Voyage | undefined;
  private computed = false;

  private constructor(private readonly compute: () => Voyage | undefined) {}

  /** The trip of `schedule` in transit at `at`. */
  static at(schedule: RouteSchedule, tenantId: string, at: number): VoyageRef {
    return new VoyageRef(() => voyageAt(schedule, tenantId, at));
  }

  static of(voyage: Voyage | undefined): VoyageRef | undefined {
    return voyage ? new VoyageRef(() => voyage) : undefined;
  }

  get(): Voyage | undefined {
    if (!this.computed) {
      this.known = this.compute();
      this.computed = true;
    }
    return this.known;
  }
}
