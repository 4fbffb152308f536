namespace Mix2Api.Host.Hosting;

/// <summary>
/// How many requests the process's open-files limit can carry. Every chat request holds two sockets
/// (client and upstream); past the limit sockets fail, then the runtime cannot start threads and the
/// process aborts, losing every open stream. Refusing with 503 before that point keeps the node alive.
/// </summary>
public static class FileDescriptorBudget
{
    /// <summary>
    /// Descriptors kept for everything else: listeners, Redis, files, the runtime's own (one per loaded
    /// assembly). With the actor system and the request graphs, 256 no longer sufficed: at a 400 limit the node
    /// ran out of descriptors and aborted (OpenFilesLimitTests); 352 was measured to hold there.
    /// </summary>
    public const int Reserve = 352;

    /// <summary>The soft RLIMIT_NOFILE, or null where it cannot be read (not Linux, or unlimited).</summary>
    public static long? OpenFilesLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
                var parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts.Length > 0 && long.TryParse(parts[0], out var soft) ? soft : null;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>Concurrent chat requests the limit allows (two sockets each), or null when unbounded.</summary>
    public static int? MaxRequests(long? openFiles)
        => openFiles is { } n && n < int.MaxValue ? (int)Math.Max(1, (n - Reserve) / 2) : null;
}
