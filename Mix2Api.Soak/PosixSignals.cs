using System.Runtime.InteropServices;

namespace Mix2Api.Soak;

/// <summary>SIGTERM, SIGSTOP and SIGCONT to a child process, which <see cref="System.Diagnostics.Process"/> cannot send (it only kills).</summary>
public static class PosixSignals
{
    // Linux numbering (the soak runs where the broker's deployment runs: Linux).
    public const int Term = 15;
    public const int Cont = 18;
    public const int Stop = 19;

    public static void Send(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
            throw new InvalidOperationException($"could not send signal {signal} to process {pid} (errno {Marshal.GetLastPInvokeError()})");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
