using System.Diagnostics;

namespace Mix2Api.Bench;

/// <summary>CPU of the broker and of the bench process itself (simulator + load generator) over one measured phase.</summary>
public sealed record ResourceUse(double WallMs, double BrokerUserMs, double BrokerSystemMs, double BenchCpuMs)
{
    public double BrokerCpuMs => BrokerUserMs + BrokerSystemMs;

    /// <summary>Share of its one core the broker used (1.0 = saturated).</summary>
    public double BrokerCore => WallMs > 0 ? BrokerCpuMs / WallMs : 0;

    /// <summary>Share of the broker's CPU spent in the kernel (socket reads and writes).</summary>
    public double BrokerSystemShare => BrokerCpuMs > 0 ? BrokerSystemMs / BrokerCpuMs : 0;

    /// <summary>Share of the second core the simulator and load generator used together.</summary>
    public double BenchCore => WallMs > 0 ? BenchCpuMs / WallMs : 0;
}

/// <summary>Measures one phase: <c>var m = ResourceMeter.Start(pid); …; var use = m.Stop();</c>.</summary>
public sealed class ResourceMeter
{
    private readonly int _brokerPid;
    private readonly long _start;
    private readonly (double User, double System) _broker;
    private readonly double _bench;

    private ResourceMeter(int brokerPid)
    {
        _brokerPid = brokerPid;
        _broker = ProcessStats.CpuSplitMs(brokerPid);
        _bench = ProcessStats.CpuMs(Environment.ProcessId);
        _start = Stopwatch.GetTimestamp();
    }

    public static ResourceMeter Start(int brokerPid) => new(brokerPid);

    public ResourceUse Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_start).TotalMilliseconds;
        var (user, system) = ProcessStats.CpuSplitMs(_brokerPid);
        return new ResourceUse(wall, user - _broker.User, system - _broker.System, ProcessStats.CpuMs(Environment.ProcessId) - _bench);
    }
}
