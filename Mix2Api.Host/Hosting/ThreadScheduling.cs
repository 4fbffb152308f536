using System.Runtime.InteropServices;

namespace Mix2Api.Host.Hosting;

/// <summary>
/// Linux's per-thread scheduling calls: a thread's nice value, and its own time slice (<c>sched_setattr</c>'s
/// <c>sched_runtime</c> for a normal thread, Linux 6.12+; older kernels accept and ignore it). glibc before 2.41 has
/// no wrapper for <c>sched_setattr</c>, so it goes through <c>syscall</c>.
/// </summary>
public static class ThreadScheduling
{
    public const int PrioProcess = 0;
    private const uint SchedNormal = 0;
    private const int EINVAL = 22, ENOSYS = 38;

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedAttr
    {
        public uint Size;
        public uint Policy;
        public ulong Flags;
        public int Nice;
        public uint Priority;
        public ulong Runtime;
        public ulong Deadline;
        public ulong Period;
        public uint UtilMin;
        public uint UtilMax;
    }

    private static readonly uint AttrSize = (uint)Marshal.SizeOf<SchedAttr>();

    // The call numbers differ by architecture; elsewhere there is no slice to set.
    private static (long Set, long Get)? Calls => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => (314, 315),
        Architecture.Arm64 => (274, 275),
        _ => null,
    };

    /// <summary>
    /// Gives a normal thread a slice of its own and, when <paramref name="nice"/> is above 0, that nice value; a thread's
    /// nice value is kept otherwise (a node started with <c>nice</c> must not have it raised, which the kernel would
    /// refuse anyway). The nice value the thread runs at; or false with the errno when the kernel refused, or EINVAL for
    /// a thread that is not a normal one.
    /// </summary>
    public static bool TrySet(int tid, int nice, int sliceUs, out int appliedNice, out int errno)
    {
        errno = 0;
        appliedNice = 0;
        if (Calls is not { } calls)
        {
            errno = ENOSYS;
            return false;
        }
        var current = default(SchedAttr);
        if (GetAttr(calls.Get, tid, ref current, AttrSize, 0) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return false;
        }
        if (current.Policy != SchedNormal)
        {
            errno = EINVAL;
            return false;
        }
        appliedNice = nice > 0 ? nice : current.Nice;
        var attr = new SchedAttr { Size = AttrSize, Policy = SchedNormal, Nice = appliedNice, Runtime = (ulong)sliceUs * 1000 };
        if (SetAttr(calls.Set, tid, ref attr, 0) == 0) return true;
        errno = Marshal.GetLastPInvokeError();
        return false;
    }

    /// <summary>A normal thread's slice in nanoseconds as the kernel keeps it (0 before Linux 6.12 or when unknown).</summary>
    public static long SliceOf(int tid)
    {
        if (Calls is not { } calls) return 0;
        var attr = default(SchedAttr);
        return GetAttr(calls.Get, tid, ref attr, AttrSize, 0) == 0 ? (long)attr.Runtime : 0;
    }

    // On Linux, PRIO_PROCESS with a thread id sets that one thread's nice value.
    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    public static extern int SetPriority(int which, int who, int prio);

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static extern long SetAttr(long number, int tid, ref SchedAttr attr, uint flags);

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static extern long GetAttr(long number, int tid, ref SchedAttr attr, uint size, uint flags);
}
