using System.Runtime.InteropServices;

namespace Mix2Api.Bench;

/// <summary>Where a run happened: enough to tell whether two runs are comparable.</summary>
public sealed record MachineInfo(int Cores, string CpuModel, string Kernel, string Runtime, string LoadAverage, long OpenFilesLimit)
{
    public static MachineInfo Read() => new(
        File.ReadLines("/proc/cpuinfo").Count(l => l.StartsWith("processor", StringComparison.Ordinal)),
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown",
        File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
        RuntimeInformation.FrameworkDescription,
        LoadAverageNow(),
        ProcessStats.OpenFilesLimit(Environment.ProcessId));

    /// <summary>1/5/15-minute load averages (the machine may be shared; a busy one skews every figure).</summary>
    public static string LoadAverageNow() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
