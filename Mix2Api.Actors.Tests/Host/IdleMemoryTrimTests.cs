using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Mix2Api.Host.Hosting;

namespace Mix2Api.Tests.Host;

/// <summary>
/// MEMORY_TRIM_IDLE_MS: when the idle trim runs its aggressive GC, on an injected clock. The GC's figures and the
/// collection itself are the runtime's, given as functions here; the real one is proven through a broker process in
/// <see cref="Cluster.IdleMemoryTrimProcessTests"/>.
/// </summary>
public sealed class IdleMemoryTrimTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly AdmissionControl _admission = new(Mix2ApiSettings.Load(new ConfigurationManager(), isDevelopment: true).Settings);
    private MemoryFigures _figures = new(CommittedBytes: 300L << 20, HeapBytes: 15L << 20, InUseBytes: 15L << 20);
    private int _collections;

    private IdleMemoryTrim Trim(TimeSpan? idle = null)
        => new(_admission, idle ?? Idle, _time, NullLogger<IdleMemoryTrim>.Instance, () => _figures, () =>
        {
            _collections++;
            _figures = _figures with { CommittedBytes = _figures.HeapBytes + (1L << 20), InUseBytes = _figures.HeapBytes };
        });

    /// <summary>Lets time pass in one-second steps, as the node's clock would (each step fires the due timer).</summary>
    private void Wait(TimeSpan span)
    {
        for (var left = span; left > TimeSpan.Zero; left -= TimeSpan.FromSeconds(1))
            _time.Advance(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
    }

    private void OneRequest()
    {
        Assert.True(_admission.TryEnter());
        _admission.Exit();
    }

    [Fact]
    public void A_node_that_never_served_a_request_is_never_trimmed()
    {
        using var trim = Trim();
        Wait(TimeSpan.FromMinutes(5));
        Assert.Equal(0, _collections);
    }

    [Fact]
    public void Trims_once_an_idle_period_after_the_last_request_and_not_again_until_new_traffic()
    {
        using var trim = Trim();
        OneRequest();
        Wait(TimeSpan.FromSeconds(9));
        Assert.Equal(0, _collections);
        Wait(TimeSpan.FromSeconds(5));
        Assert.Equal(1, _collections);
        Assert.Equal(1, trim.Trims);

        _figures = _figures with { CommittedBytes = 300L << 20 };
        Wait(TimeSpan.FromMinutes(2));
        Assert.Equal(1, _collections);

        OneRequest();
        Wait(TimeSpan.FromSeconds(15));
        Assert.Equal(2, _collections);
    }

    [Fact]
    public void Steady_traffic_and_a_long_open_stream_both_keep_it_from_trimming()
    {
        using var trim = Trim();
        for (var i = 0; i < 20; i++)
        {
            OneRequest();
            Wait(TimeSpan.FromSeconds(5));
        }
        Assert.Equal(0, _collections);

        Assert.True(_admission.TryEnter()); // a stream open for a minute
        Wait(TimeSpan.FromMinutes(1));
        Assert.Equal(0, _collections);
        _admission.Exit();
        Wait(TimeSpan.FromSeconds(15));
        Assert.Equal(1, _collections);
    }

    [Fact]
    public void Does_not_collect_when_the_GC_holds_little_more_than_the_heap_needs()
    {
        _figures = new MemoryFigures(CommittedBytes: (15L << 20) + IdleMemoryTrim.MinSurplusBytes / 2, HeapBytes: 15L << 20, InUseBytes: (15L << 20) + IdleMemoryTrim.MinSurplusBytes / 2 - 1);
        using var trim = Trim();
        OneRequest();
        Wait(TimeSpan.FromSeconds(30));
        Assert.Equal(0, _collections);
    }

    [Fact]
    public void Counts_what_gen0_took_since_the_last_collection()
    {
        // No collection since the last trim, but a burst allocated 100 MiB: the figures of the last GC alone miss it.
        _figures = new MemoryFigures(CommittedBytes: 16L << 20, HeapBytes: 15L << 20, InUseBytes: 115L << 20);
        using var trim = Trim();
        OneRequest();
        Wait(TimeSpan.FromSeconds(15));
        Assert.Equal(1, _collections);
    }

    [Fact]
    public void Zero_disables_it()
    {
        using var trim = Trim(TimeSpan.Zero);
        OneRequest();
        Wait(TimeSpan.FromMinutes(5));
        Assert.Equal(0, _collections);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("ten")]
    public void A_bad_value_is_a_start_up_error_naming_the_key(string value)
    {
        var config = new ConfigurationManager();
        config.AddInMemoryCollection(new Dictionary<string, string?> { ["MEMORY_TRIM_IDLE_MS"] = value });
        var (_, errors) = Mix2ApiSettings.Load(config, isDevelopment: true);
        Assert.Contains(errors, e => e.StartsWith("MEMORY_TRIM_IDLE_MS (Mix2Api:Limits:MemoryTrimIdleMs)", StringComparison.Ordinal));
    }
}
