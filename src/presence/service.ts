import type { ServiceModule } from '../platform/service.js';

// Placeholder until the presence domain lands: it only declares itself.
export const presenceService: ServiceModule = {
  name: 'presence',
  async start() {
    return { close: async () => undefined };
  },
};
