using System.Collections;
using System.Runtime.InteropServices;

namespace Mix2Api.Host.Hosting;

/// <summary>
/// Replaces the running process with itself, started again with more environment variables: <c>execve(2)</c> of
/// <c>/proc/self/exe</c> with the process's own arguments. Same PID, same open standard streams, same parent, so a
/// supervisor (systemd, a container runtime, a test harness) sees nothing but a node that took a moment longer to
/// start. Linux only; anywhere else, or when <c>execve</c> fails, it returns and the process runs on as it is.
/// </summary>
internal static class SelfExec
{
    /// <summary>Returns only when the process could not be replaced, with the reason.</summary>
    public static string Replace(IReadOnlyList<(string Name, string Value)> additions)
    {
        if (!OperatingSystem.IsLinux()) return "only on Linux";
        string[] argv;
        try
        {
            // The exact argument vector, "dotnet Mix2Api.Host.dll …" or the apphost's: NUL-separated, NUL-terminated.
            argv = File.ReadAllText("/proc/self/cmdline").TrimEnd('\0').Split('\0');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"cannot read /proc/self/cmdline: {ex.Message}";
        }

        var environment = new List<string?>();
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables()) environment.Add($"{variable.Key}={variable.Value}");
        foreach (var (name, value) in additions) environment.Add($"{name}={value}");
        environment.Add(null);

        ForgetDiagnosticsSocket();
        Console.Out.Flush();
        Console.Error.Flush();
        execve("/proc/self/exe", [.. argv, null], [.. environment]);
        return $"execve failed (errno {Marshal.GetLastPInvokeError()})";
    }

    /// <summary>
    /// The runtime's diagnostics socket (<c>dotnet-diagnostic-{pid}-{start time}-socket</c>, what dotnet-trace,
    /// dotnet-dump and dotnet-counters connect to) is named after the PID and the process start time, which the new
    /// image keeps; the old runtime never gets to remove it, and the new one could not listen on that name.
    /// </summary>
    private static void ForgetDiagnosticsSocket()
    {
        try
        {
            foreach (var socket in Directory.EnumerateFiles(Path.GetTempPath(), $"dotnet-diagnostic-{Environment.ProcessId}-*-socket"))
                File.Delete(socket);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Diagnostics tools would not reach the node; it still runs.
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int execve(string path, string?[] argv, string?[] envp);
}
