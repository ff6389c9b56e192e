import type { ServiceModule } from '../platform/service.js';

// Placeholder until the transports domain lands: it only declares itself.
export const transportsService: ServiceModule = {
  name: 'transports',
  async start() {
    return { close: async () => undefined };
  },
};
