namespace Mix2Api.Bench;

/// <summary>Everything one run measured (null: scenario not selected), plus where and how it ran.</summary>
public sealed record BenchReport(
    DateTimeOffset Started,
    TimeSpan Duration,
    BenchOptions Options,
    MachineInfo Machine,
    bool BrokerPinned,
    string BrokerCpus,
    string BenchCpus,
    TtfbResult? Ttfb,
    ThroughputResult? Throughput,
    IReadOnlyList<OpenStreamsResult> OpenStreams,
    NonStreamResult? NonStream,
    long BrokerPeakRssKb,
    int BrokerLogLines,
    IReadOnlyList<string> BrokerFirstLogLines,
    string LoadAverageAtEnd)
{
    public string Command => "./bench" + (Options.Quick ? " --quick" : "") + (Options.Only is { } only ? " --only " + string.Join(',', only) : "");
}
