using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Mix2Api.Host.Diagnostics;
using Mix2Api.Host.Http;
using Mix2Api.Host.Traces;

namespace Mix2Api.Tests.Traces;

/// <summary>Sampled traces (FR34): the sampling rate, the in-memory bound and expiry on an injected clock.</summary>
public sealed class TraceSamplingTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static RequestCompleted Request(string id, string path = "/v1/chat/completions")
        => new(id, "POST", path, 200, 12.5, 3, "opencode", "true", "true", "m", "stop", "Completed", "200", "abcdef012345", 5, 7, "node-a", "canary");

    private (TraceRecorder Recorder, MemoryTraceStore Store) Recorder(double rate, int max = 100, int retentionMs = 60_000, int seed = 7)
    {
        var store = new MemoryTraceStore(max, _time);
        var settings = new TraceSettings(rate, TimeSpan.FromMilliseconds(retentionMs), max);
        return (new TraceRecorder(settings, store, _time, NullLogger<TraceRecorder>.Instance, new Random(seed)), store);
    }

    private static RequestReport Report(string id) => new() { RequestId = id, MessageCount = 4, ToolCount = 2, AuthFingerprint = "0123456789ab" };

    [Fact]
    public async Task Rate_zero_keeps_nothing_and_rate_one_keeps_every_request_but_probes()
    {
        var (off, offStore) = Recorder(0);
        Assert.Null(off.Record(Request("a"), Report("a")));
        Assert.Equal(0, offStore.Count);

        var (on, store) = Recorder(1);
        for (var i = 0; i < 20; i++) await on.Record(Request($"r{i}"), Report($"r{i}"))!;
        Assert.Null(on.Record(Request("probe", "/health/ready"), Report("probe")));
        Assert.Null(on.Record(Request("scrape", "/metrics"), Report("scrape")));
        Assert.Equal(20, store.Count);
    }

    [Fact]
    public async Task A_fractional_rate_keeps_about_that_share()
    {
        var (recorder, store) = Recorder(0.25, max: 1000);
        for (var i = 0; i < 400; i++)
            if (recorder.Record(Request($"r{i}"), Report($"r{i}")) is { } save) await save;
        Assert.InRange(store.Count, 60, 140);
    }

    [Fact]
    public async Task Traces_carry_the_summary_only_and_expire_after_the_retention()
    {
        var (recorder, store) = Recorder(1, retentionMs: 1000);
        await recorder.Record(Request("first"), Report("first"))!;
        var trace = Assert.Single(await store.ListAsync(10, default));
        Assert.Equal(("first", 4, 2, "0123456789ab", "abcdef012345"), (trace.RequestId, trace.MessageCount, trace.ToolCount, trace.AuthFp, trace.SessionFp));
        Assert.Equal(trace.CreatedAt + TimeSpan.FromSeconds(1), trace.ExpiresAt);
        Assert.StartsWith("trace_", trace.TraceId);

        _time.Advance(TimeSpan.FromMilliseconds(600));
        await recorder.Record(Request("second"), Report("second"))!;
        Assert.Equal(["second", "first"], (await store.ListAsync(10, default)).Select(t => t.RequestId));
        _time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal(["second"], (await store.ListAsync(10, default)).Select(t => t.RequestId));
        Assert.Null(await store.FindAsync(trace.TraceId, default));
        _time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Empty(await store.ListAsync(10, default));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task The_memory_store_is_bounded_oldest_first()
    {
        var (recorder, store) = Recorder(1, max: 3);
        for (var i = 0; i < 5; i++) await recorder.Record(Request($"r{i}"), Report($"r{i}"))!;
        Assert.Equal(["r4", "r3", "r2"], (await store.ListAsync(10, default)).Select(t => t.RequestId));
    }
}
