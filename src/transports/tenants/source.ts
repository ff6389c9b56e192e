import type { TenantConfiguration } from '../core/model.js';

/** What a source read: the tenants it could use, and one line per entry it skipped or doubts. */
export interface SourceResult {
  readonly configurations: TenantConfiguration[];
  readonly problems: string[];
}

/**
 * Where tenants and their transport configuration come from: the bundled file (the embedded default) or
 * the Atlas tenants service. Both throw only when the source as a whole cannot be read; a bad tenant or
 * entry is a problem line and is skipped.
 */
export interface TenantSource {
  readonly description: string;
  /** Every tenant the source knows, with its configuration. */
  loadAll(): Promise<SourceResult>;
  /** One tenant's configuration for a reload (decisions C9); undefined when the source does not list it. */
  loadOne(tenantId: string): Promise<{ configuration?: TenantConfiguration; problems: string[] }>;
  /** How often to look for tenants that appeared (decisions C11); undefined: only on configuration events. */
  readonly refreshMs: number | undefined;
}
