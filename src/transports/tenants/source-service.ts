import * as z from 'zod';
import type { AtlasClient } from '../../platform/http/client.js';
import { isUuid, normaliseUuid } from '../../platform/tenant.js';
import { u16 } from '../../platform/wire/numbers.js';
import { parseConfigurationResources, vesselLegProblems } from '../core/config.js';
import { travelRateSchema } from '../core/config-schema.js';
import type { TenantConfiguration } from '../core/model.js';
import type { SourceResult, TenantSource } from './source.js';

const tenantAttributes = z.object({
  name: z.string().default(''),
  region: z.string().min(1),
  majorVersion: u16,
  minorVersion: u16,
  // Not an atlas-tenants attribute: a tenants service that adds it sets the rate, otherwise it is 1.
  travelRate: travelRateSchema.default(1),
});

interface TenantIdentity {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly majorVersion: number;
  readonly minorVersion: number;
  readonly travelRate: number;
}

/**
 * The Atlas tenants service (TENANTS_SERVICE_URL): `tenants`, then each tenant's routes, vessels and
 * instance routes (transports.md §8.4). These calls carry no tenant headers, as the reference's start-up
 * calls do not. A tenant whose configuration cannot be fetched is a problem line; the others load.
 */
export class ServiceTenantSource implements TenantSource {
  constructor(
    private readonly client: AtlasClient,
    private readonly baseUrl: string,
    readonly refreshMs: number,
  ) {}

  get description(): string {
    return `tenants service ${this.baseUrl}`;
  }

  async loadAll(): Promise<SourceResult> {
    const { tenants, problems } = await this.tenants();
    const configurations: TenantConfiguration[] = [];
    for (const tenant of tenants) {
      try {
        const configuration = await this.configuration(tenant);
        configurations.push(configuration);
        problems.push(...configuration.problems.map((p) => `tenant "${tenant.id}": ${p}`));
      } catch (error) {
        problems.push(`tenant "${tenant.id}": ${(error as Error).message}`);
      }
    }
    return { configurations, problems };
  }

  async loadOne(tenantId: string) {
    const { tenants } = await this.tenants();
    const tenant = tenants.find((t) => t.id === tenantId);
    if (!tenant) return { problems: [`tenant "${tenantId}" is not listed by the tenants service`] };
    const configuration = await this.configuration(tenant);
    return { configuration, problems: configuration.problems.map((p) => `tenant "${tenantId}": ${p}`) };
  }

  private async tenants(): Promise<{ tenants: TenantIdentity[]; problems: string[] }> {
    const resources = await this.client.getMany(`${this.baseUrl}tenants`, 'tenants');
    const tenants: TenantIdentity[] = [];
    const problems: string[] = [];
    for (const resource of resources) {
      const attributes = tenantAttributes.safeParse(resource.attributes);
      if (!isUuid(resource.id)) problems.push(`tenant "${resource.id}": id must be a UUID`);
      else if (!attributes.success) {
        const issue = attributes.error.issues[0]!;
        problems.push(`tenant "${resource.id}": ${issue.path.map(String).join('.')} ${issue.message}`);
      } else tenants.push({ id: normaliseUuid(resource.id), ...attributes.data });
    }
    return { tenants, problems };
  }

  private async configuration(tenant: TenantIdentity): Promise<TenantConfiguration> {
    const base = `${this.baseUrl}tenants/${tenant.id}/configurations/`;
    const [routes, vessels, instanceRoutes] = await Promise.all([
      this.client.getMany(`${base}routes`, 'routes'),
      this.client.getMany(`${base}vessels`, 'vessels'),
      this.client.getMany(`${base}instance-routes`, 'instance-routes'),
    ]);
    const rate = tenant.travelRate;
    const parsedRoutes = parseConfigurationResources('routes', routes, tenant.id, rate);
    const parsedVessels = parseConfigurationResources('vessels', vessels, tenant.id, rate);
    const parsedInstanceRoutes = parseConfigurationResources(
      'instance-routes',
      instanceRoutes,
      tenant.id,
      rate,
    );
    return {
      // The tenants service knows no worlds: channels come from channel status events (and STATUS_REQUEST).
      tenant: { ...tenant, worlds: [] },
      routes: parsedRoutes.items,
      vessels: parsedVessels.items,
      instanceRoutes: parsedInstanceRoutes.items,
      problems: [
        ...parsedRoutes.problems,
        ...parsedVessels.problems,
        ...parsedInstanceRoutes.problems,
        ...vesselLegProblems(parsedRoutes.items, parsedVessels.items),
      ],
    };
  }
}
