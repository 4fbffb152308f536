using Mix2Api.Actors.Sessions;
using Mix2Api.Host.Hosting;
using Mix2Api.Host.Operations;

namespace Mix2Api.Host.Admin;

/// <summary>
/// <see cref="ISessionView"/> and <see cref="IShardView"/> over this node's <see cref="SessionRegion"/> (its active
/// entities) and what <see cref="SessionActivity"/> saw of them. Shard ids follow the key fingerprint the way a
/// hash extractor would, so the Akka region's stats read the same.
/// </summary>
public sealed class RegionSessionView(SessionRegion region, SessionActivity activity, Mix2ApiSettings settings, TimeProvider time)
    : ISessionView, IShardView
{
    public const int ShardCount = 100;

    public Task<IReadOnlyList<SessionInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<SessionInfo> list = region.ActiveEntities()
            .Select(e =>
            {
                var seen = activity.Find(e.KeyFingerprint);
                return new SessionInfo(e.KeyFingerprint, seen?.UpstreamSessionFp, seen?.Turns ?? 0,
                    seen is null ? 0 : Math.Round((now - seen.FirstSeen).TotalSeconds, 1), settings.NodeId, e.TurnsInFlight);
            })
            .OrderBy(s => s.KeyFp, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(list);
    }

    public Task<ShardsView> StatsAsync(CancellationToken cancellationToken)
    {
        var shards = region.ActiveEntities()
            .GroupBy(e => ShardOf(e.KeyFingerprint))
            .Select(g => new ShardInfo(g.Key, g.Count()))
            .OrderBy(s => s.Id, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(new ShardsView([new ShardRegionInfo("session", settings.NodeId, shards)]));
    }

    private static string ShardOf(string keyFp)
        => keyFp.Length >= 4 && int.TryParse(keyFp.AsSpan(0, 4), System.Globalization.NumberStyles.HexNumber, null, out var n)
            ? (n % ShardCount).ToString(System.Globalization.CultureInfo.InvariantCulture) : "0";
}
