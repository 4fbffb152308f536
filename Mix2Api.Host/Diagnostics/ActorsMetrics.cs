using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Mix2Api.Actors.Diagnostics;
using Mix2Api.Actors.Hosting;
using Mix2Api.Host.Admin;
using Prometheus;

namespace Mix2Api.Host.Diagnostics;

/// <summary>
/// Exports the actor layer: its <see cref="Meter"/> counters (session turns and schema misses, unreachable
/// entities, token logins and recoveries, each by its tags) as Prometheus counters named after the instrument, and
/// gauges of the session journal's health, the cluster's members by status and unreachable count, and the session
/// shards and entities.
/// </summary>
public sealed class ActorsMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, (Counter Counter, string[] Tags)> _counters = new();
    private readonly IMetricFactory _factory;

    public ActorsMetrics(NodeMetrics metrics, ActorsStatus status, IClusterView cluster, IShardView shards)
    {
        _factory = metrics.Factory;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ActorsTelemetry.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();

        var f = metrics.Factory;
        var degraded = f.CreateGauge("mix2api_session_store_degraded", "1 while the state store serves from memory.", ["mode"]);
        var connected = f.CreateGauge("mix2api_session_store_connected", "1 while the state store is connected.", ["mode"]);
        var members = f.CreateGauge("mix2api_cluster_members", "Cluster members by status.", ["status"]);
        var unreachable = f.CreateGauge("mix2api_cluster_unreachable_members", "Members this node sees as unreachable.");
        var shardCount = f.CreateGauge("mix2api_shards", "Session shards hosted by this node.");
        var entities = f.CreateGauge("mix2api_shard_entities", "Session entities active on this node.");
        metrics.Registry.AddBeforeCollectCallback(async cancellationToken =>
        {
            var store = status.Journal;
            degraded.WithLabels(store.Mode).Set(store.Degraded ? 1 : 0);
            connected.WithLabels(store.Mode).Set(store.Connected ? 1 : 0);
            var list = await cluster.MembersAsync(cancellationToken);
            foreach (var group in list.GroupBy(m => m.Status)) members.WithLabels(group.Key).Set(group.Count());
            unreachable.Set(list.Count(m => !m.Reachable));
            var regions = (await shards.StatsAsync(cancellationToken)).Regions;
            shardCount.Set(regions.Sum(r => r.Shards.Count));
            entities.Set(regions.Sum(r => r.Shards.Sum(s => s.Entities)));
        });
    }

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var name = instrument.Name.Replace('.', '_') + "_total";
        if (!_counters.TryGetValue(name, out var entry))
        {
            var tagNames = new string[tags.Length];
            for (var i = 0; i < tags.Length; i++) tagNames[i] = tags[i].Key;
            entry = _counters.GetOrAdd(name, n => (_factory.CreateCounter(n, instrument.Description ?? instrument.Name, tagNames), tagNames));
        }
        if (entry.Tags.Length == 0)
        {
            entry.Counter.Inc(value);
            return;
        }
        var values = new string[entry.Tags.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = "none";
            foreach (var tag in tags)
                if (tag.Key == entry.Tags[i]) values[i] = tag.Value?.ToString() ?? "none";
        }
        entry.Counter.WithLabels(values).Inc(value);
    }

    public void Dispose() => _listener.Dispose();
}
