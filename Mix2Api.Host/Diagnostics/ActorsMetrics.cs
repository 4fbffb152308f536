using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Mix2Api.Actors.Diagnostics;
using Mix2Api.Actors.Hosting;

namespace Mix2Api.Host.Diagnostics;

/// <summary>
/// Exports the actor layer on <c>/metrics</c>: its counters (session turns, schema misses, unreachable
/// entities, token logins and recoveries, by their tag) through a <see cref="MeterListener"/>, and the
/// session journal's health as gauges.
/// </summary>
public sealed class ActorsMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), long> _counters = new();
    private readonly ActorsStatus _status;

    public ActorsMetrics(ActorsStatus status)
    {
        _status = status;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ActorsTelemetry.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var labels = new StringBuilder();
            foreach (var tag in tags)
                labels.Append(labels.Length == 0 ? "" : ",").Append(tag.Key).Append("=\"").Append(tag.Value).Append('"');
            _counters.AddOrUpdate((instrument.Name.Replace('.', '_'), labels.ToString()), value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    public void Render(StringBuilder sb)
    {
        foreach (var ((name, labels), value) in _counters.OrderBy(kv => kv.Key))
            sb.Append(name).Append("_total{").Append(labels).Append("} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        var store = _status.Journal;
        sb.Append("# TYPE mix2api_session_store_degraded gauge\nmix2api_session_store_degraded{mode=\"").Append(store.Mode).Append("\"} ")
            .Append(store.Degraded ? 1 : 0).Append('\n');
        sb.Append("# TYPE mix2api_session_store_connected gauge\nmix2api_session_store_connected{mode=\"").Append(store.Mode).Append("\"} ")
            .Append(store.Connected ? 1 : 0).Append('\n');
    }

    public void Dispose() => _listener.Dispose();
}
