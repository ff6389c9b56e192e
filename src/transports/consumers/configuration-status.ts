import * as z from 'zod';
import type { Subscription } from '../../platform/bus/bus.js';
import { consume, SkipMessage } from '../../platform/bus/consumer.js';
import type { ServiceContext } from '../../platform/service.js';
import { NIL_UUID } from '../../platform/tenant.js';
import { uuid } from '../../platform/wire/numbers.js';
import type { TenantManager } from '../tenants/manager.js';

const configurationEvent = z.looseObject({
  // Read only when the headers name no tenant: a malformed body field must not void a usable header.
  tenantId: z.unknown().optional(),
  resourceType: z.string(),
});

const RELOADED = new Set(['route', 'vessel', 'instance-route']);

/** A usable tenant id, or undefined: absent, not a UUID, or the nil tenant (which later Atlas refuses too). */
function tenantOf(value: unknown): string | undefined {
  const parsed = uuid.safeParse(value);
  return parsed.success && parsed.data !== NIL_UUID ? parsed.data : undefined;
}

/**
 * Configuration status from atlas-tenants, which sends it without tenant headers: the tenant comes from the
 * headers when present, else from the body's tenantId (decisions C9; the reference reloaded the nil tenant).
 */
export function consumeConfigurationStatus(
  context: ServiceContext,
  tenants: TenantManager,
  /** Tells the other replicas to reload too (one of them consumed the event). */
  share: (tenantId: string) => Promise<void>,
): Promise<Subscription> {
  return consume({
    bus: context.bus,
    topic: context.messages.topic('EVENT_TOPIC_CONFIGURATION_STATUS'),
    group: context.group,
    start: 'earliest',
    tenant: 'optional',
    schema: configurationEvent,
    logger: context.logger,
    metrics: context.metrics,
    handle: async (event, { tenant }) => {
      const tenantId = tenantOf(tenant.id) ?? tenantOf(event.tenantId);
      if (tenantId === undefined)
        throw new SkipMessage('tenant', 'no tenant in the headers and no valid tenantId in the body');
      if (!RELOADED.has(event.resourceType)) {
        throw new SkipMessage('type', `unhandled configuration resource type [${event.resourceType}]`);
      }
      await tenants.reload(tenantId);
      await share(tenantId);
    },
  });
}
