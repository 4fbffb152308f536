using Akka;
using Akka.Actor;

namespace Mix2Api.Host.Hosting;

/// <summary>
/// Makes every CoordinatedShutdown drain before the node leaves the cluster, whatever started it: SIGTERM (through the
/// host), <c>ctl cluster leave</c>, or the split brain resolver downing this node. Its first phase stops the host (a
/// no-op when the host is already stopping), which starts the SHUTDOWN_DRAIN_MS drain (<see cref="ShutdownCoordinator"/>)
/// and stops Kestrel taking connections, and waits until the chat requests in flight have ended; only then do the
/// later phases hand the shards and the token singleton over and leave. Without it a leave started inside Akka cut
/// every running stream within a second, sessions unrecorded.
/// </summary>
public static class DrainBeforeLeave
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>The HOCON that gives the drain phase room: the drain itself plus time for the cut streams to close.</summary>
    public static string PhaseTimeout(TimeSpan drain) =>
        $"akka.coordinated-shutdown.phases.before-service-unbind.timeout = {(long)(drain + TimeSpan.FromSeconds(5)).TotalMilliseconds}ms";

    public static void Register(ActorSystem system, IHostApplicationLifetime lifetime, AdmissionControl admission)
    {
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "mix2api-drain-requests", async () =>
        {
            lifetime.StopApplication();
            // Requests end by themselves within the drain, or ShutdownCoordinator ends them after it; the phase timeout
            // bounds this wait in any case. A counter has no completion signal to await, hence the short poll.
            while (admission.InFlight > 0) await Task.Delay(Poll).ConfigureAwait(false);
            return Done.Instance;
        });
    }
}
