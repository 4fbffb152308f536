using System.Diagnostics;
using System.Globalization;

namespace Mix2Api.Bench;

/// <summary>
/// CPU time and memory of a process, read from <c>/proc</c> (Linux only). CPU is utime+stime of the
/// whole thread group (threads that already exited included), in clock ticks.
/// </summary>
public static class ProcessStats
{
    /// <summary>Clock ticks per second (<c>getconf CLK_TCK</c>; 100 on nearly every Linux).</summary>
    public static readonly int ClockTicks = ReadClockTicks();

    /// <summary>utime + stime of <paramref name="pid"/>, in milliseconds.</summary>
    public static double CpuMs(int pid)
    {
        var (user, system) = CpuSplitMs(pid);
        return user + system;
    }

    /// <summary>utime (user mode) and stime (kernel: syscalls, and on loopback the TCP work of the peer too), in milliseconds.</summary>
    public static (double User, double System) CpuSplitMs(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may contain spaces and parentheses: fields are counted after its last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime * 1000.0 / ClockTicks, stime * 1000.0 / ClockTicks);
    }

    /// <summary>
    /// Busy time of one CPU (everything but idle and iowait, from <c>/proc/stat</c>), in milliseconds. Minus the
    /// broker's own CPU it tells how much of the broker's core other processes (and interrupts) took.
    /// </summary>
    public static double CoreBusyMs(int cpu)
    {
        var name = $"cpu{cpu} ";
        foreach (var line in File.ReadLines("/proc/stat"))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal)) continue;
            var f = line[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            var total = f.Take(8).Sum();
            return (total - f[3] - f[4]) * 1000.0 / ClockTicks;
        }
        return double.NaN;
    }

    /// <summary>Resident set size in KiB (<c>VmRSS</c>).</summary>
    public static long RssKb(int pid) => StatusKb(pid, "VmRSS:");

    /// <summary>Peak resident set size in KiB (<c>VmHWM</c>).</summary>
    public static long PeakRssKb(int pid) => StatusKb(pid, "VmHWM:");

    /// <summary>The CPUs the process may run on, e.g. <c>0</c> or <c>0-1</c>.</summary>
    public static string AllowedCpus(int pid) => StatusField(pid, "Cpus_allowed_list:") ?? "?";

    public static int Threads(int pid) => int.TryParse(StatusField(pid, "Threads:"), out var n) ? n : -1;

    /// <summary>Soft limit of open files of <paramref name="pid"/> (from <c>/proc/pid/limits</c>).</summary>
    public static long OpenFilesLimit(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/limits"))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
            var parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.TryParse(parts[0], out var soft) ? soft : long.MaxValue;
        }
        return -1;
    }

    private static long StatusKb(int pid, string key)
    {
        var value = StatusField(pid, key);
        return value is null ? -1 : long.Parse(value.Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static string? StatusField(int pid, string key)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal)) return line[key.Length..].Trim();
        }
        return null;
    }

    private static int ReadClockTicks()
    {
        try
        {
            using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true, UseShellExecute = false });
            if (getconf is null) return 100;
            var text = getconf.StandardOutput.ReadToEnd().Trim();
            getconf.WaitForExit(5_000);
            return int.TryParse(text, out var ticks) && ticks > 0 ? ticks : 100;
        }
        catch (Exception)
        {
            return 100;
        }
    }
}
