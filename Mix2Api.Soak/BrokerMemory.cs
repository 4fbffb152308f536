using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;

namespace Mix2Api.Soak;

/// <summary>
/// The broker's resident memory after a full GC, forced from outside over the runtime's diagnostics port
/// (an EventPipe session with the GCHeapCollect keyword induces a blocking gen-2 GC, as <c>dotnet-gcdump</c>
/// does), so the broker exposes nothing new for it.
/// </summary>
public static class BrokerMemory
{
    private const long GcKeyword = 0x1;
    private const long GcHeapCollectKeyword = 0x800000;

    /// <summary>Resident memory (MiB) just before and just after a forced full GC.</summary>
    public static async Task<(long Before, long After)> RssAroundGcMbAsync(int pid)
    {
        var before = RssMb(pid);
        var client = new DiagnosticsClient(pid);
        using (var session = client.StartEventPipeSession(
                   new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GcKeyword | GcHeapCollectKeyword),
                   requestRundown: false, circularBufferMB: 16))
        {
            var drain = session.EventStream.CopyToAsync(Stream.Null);
            await Task.Delay(TimeSpan.FromSeconds(2));
            await session.StopAsync(CancellationToken.None);
            await drain.WaitAsync(TimeSpan.FromSeconds(10));
        }
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        return (before, RssMb(pid));
    }

    /// <summary>The GC heap (live objects and fragmentation) after the last collection, from the broker's /metrics.</summary>
    public static async Task<double> GcHeapMbAsync(HttpClient http, Uri broker)
    {
        const string Name = "dotnet_gc_heap_size_bytes ";
        var metrics = await http.GetStringAsync(new Uri(broker, "metrics"));
        foreach (var line in metrics.Split('\n'))
            if (line.StartsWith(Name, StringComparison.Ordinal))
                return double.Parse(line[Name.Length..], CultureInfo.InvariantCulture) / (1 << 20);
        return -1;
    }

    public static long RssMb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
        return -1;
    }
}
