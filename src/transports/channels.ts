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
  // Every transition reads its tenant's channels (12,000 routes at midnight); channels change rarely.
  private readonly sorted = new Map<string, readonly Channel[]>();

  register(tenantId: string, channel: Channel): boolean {
    let channels = this.tenants.get(tenantId);
    if (!channels) {
      channels = new Map();
      this.tenants.set(tenantId, channels);
    }
    const key = `${channel.worldId}:${channel.channelId}`;
    if (channels.has(key)) return false;
    channels.set(key, { worldId: channel.worldId, channelId: channel.channelId });
    this.sorted.delete(tenantId);
    return true;
  }

  unregister(tenantId: string, channel: Channel): boolean {
    const channels = this.tenants.get(tenantId);
    const removed = channels?.delete(`${channel.worldId}:${channel.channelId}`) ?? false;
    if (channels?.size === 0) this.tenants.delete(tenantId);
    this.sorted.delete(tenantId);
    return removed;
  }

  /**
   * Ordered by world then channel, so warps (and tests) see one stable order. The list is a snapshot: a
   * transition keeps the channels of its boundary even if one starts a moment later.
   */
  list(tenantId: string): readonly Channel[] {
    let list = this.sorted.get(tenantId);
    if (!list) {
      list = [...(this.tenants.get(tenantId)?.values() ?? [])].sort(
        (a, b) => a.worldId - b.worldId || a.channelId - b.channelId,
      );
      this.sorted.set(tenantId, list);
    }
    return list;
  }
}
