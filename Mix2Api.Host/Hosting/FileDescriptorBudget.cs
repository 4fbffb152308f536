namespace Mix2Api.Host.Hosting;

/// <summary>
/// How many requests the process's open-files limit can carry. Every chat request holds two sockets
/// (client and upstream); past the limit sockets fail, then the runtime cannot start threads and the
/// process aborts, losing every open stream. Refusing with 503 before that point keeps the node alive.
/// </summary>
public static class FileDescriptorBudget
{
    /// <summary>
    /// Descriptors kept for everything else: listeners, Redis, files, the runtime's own. The runtime keeps one
    /// open per loaded assembly, about 215 in a node with its actor system (measured); refused clients' connections
    /// need some too. 256 no longer sufficed once the actor system loaded: at a 400 limit the node ran out and
    /// aborted (OpenFilesLimitTests).
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
