import type { ServiceModule } from '../platform/service.js';

// Placeholder until the character domain lands: it only declares itself.
export const characterService: ServiceModule = {
  name: 'character',
  migrations: [],
  async start() {
    return { close: async () => undefined };
  },
};
