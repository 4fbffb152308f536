using System.Diagnostics;

namespace Mix2Api.Bench;

/// <summary>CPU of the broker and of the bench process itself (simulator + load generator) over one measured phase.</summary>
public sealed record ResourceUse(double WallMs, double BrokerCpuMs, double BenchCpuMs)
{
    /// <summary>Share of its one core the broker used (1.0 = saturated).</summary>
    public double BrokerCore => WallMs > 0 ? BrokerCpuMs / WallMs : 0;

    /// <summary>Share of the second core the simulator and load generator used together.</summary>
    public double BenchCore => WallMs > 0 ? BenchCpuMs / WallMs : 0;
}

/// <summary>Starts a measurement: <c>var m = ResourceMeter.Start(pid); …; var use = m.Stop();</c>.</summary>
public sealed class ResourceMeter
{
    private readonly int _brokerPid;
    private readonly long _start;
    private readonly double _brokerCpu;
    private readonly double _benchCpu;

    private ResourceMeter(int brokerPid)
    {
        _brokerPid = brokerPid;
        _brokerCpu = ProcessStats.CpuMs(brokerPid);
        _benchCpu = ProcessStats.CpuMs(Environment.ProcessId);
        _start = Stopwatch.GetTimestamp();
    }

    public static ResourceMeter Start(int brokerPid) => new(brokerPid);

    public ResourceUse Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_start).TotalMilliseconds;
        return new ResourceUse(wall, ProcessStats.CpuMs(_brokerPid) - _brokerCpu, ProcessStats.CpuMs(Environment.ProcessId) - _benchCpu);
    }
}
