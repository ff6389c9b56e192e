/** A game channel: scheduled-route warps look for passengers in every registered channel of the tenant. */
export interface Channel {
  readonly worldId: number;
  readonly channelId: number;
}

/**
 * The channels each tenant runs, from the configuration file's worlds and from channel STARTED / SHUTDOWN
 * events (the reference knew only the events, so after a restart it warped nobody until channels
 * re-announced themselves; the file and the start-up STATUS_REQUEST close that gap).
 */
export class ChannelRegistry {
  private readonly tenants = new Map<string, Map<string, Channel>>();

  register(tenantId: string, channel: Channel): boolean {
    let channels = this.tenants.get(tenantId);
    if (!channels) {
      channels = new Map();
      this.tenants.set(tenantId, channels);
    }
    const key = `${channel.worldId}:${channel.channelId}`;
    if (channels.has(key)) return false;
    channels.set(key, { worldId: channel.worldId, channelId: channel.channelId });
    return true;
  }

  unregister(tenantId: string, channel: Channel): boolean {
    const channels = this.tenants.get(tenantId);
    const removed = channels?.delete(`${channel.worldId}:${channel.channelId}`) ?? false;
    if (channels?.size === 0) this.tenants.delete(tenantId);
    return removed;
  }

  /** Ordered by world then channel, so warps (and tests) see one stable order. */
  list(tenantId: string): Channel[] {
    const channels = [...(this.tenants.get(tenantId)?.values() ?? [])];
    return channels.sort((a, b) => a.worldId - b.worldId || a.channelId - b.channelId);
  }
}
