using Akka.Actor;
using Akka.Streams;

namespace Mix2Api.Streams.Graph;

/// <summary>
/// A one-shot stage timer that lets go of its stage once it fired or was cancelled. Akka's scheduler keeps a
/// cancelled registration in its wheel until the wheel comes round to it (up to <c>ticks-per-wheel</c> ×
/// <c>tick-duration</c>), and a <c>TimerGraphStageLogic</c> timer holds its logic, so every finished request graph,
/// its buffers and the client's connection stayed reachable for seconds after the response ended: a busy node
/// promoted each of them out of gen 0. Here the wheel holds only this object, whose callback is dropped at
/// <see cref="Cancel"/>.
/// </summary>
public sealed class ReleasingTimer
{
    private readonly ICancelable _registration;
    private Action<ReleasingTimer>? _fire;

    private ReleasingTimer(IMaterializer materializer, TimeSpan delay, Action<ReleasingTimer> fire)
    {
        _fire = fire;
        _registration = materializer.ScheduleOnce(delay, Run);
    }

    /// <summary>
    /// Calls <paramref name="fire"/> (a stage's async callback) with this timer after <paramref name="delay"/>. The
    /// stage compares the timer it is given with the one it holds: a timer that fired as it was being replaced is stale.
    /// </summary>
    public static ReleasingTimer Start(IMaterializer materializer, TimeSpan delay, Action<ReleasingTimer> fire)
        => new(materializer, delay, fire);

    /// <summary>Stops the timer and drops the stage's callback; harmless after it fired.</summary>
    public void Cancel()
    {
        if (Interlocked.Exchange(ref _fire, null) is not null) _registration.Cancel();
    }

    private void Run() => Interlocked.Exchange(ref _fire, null)?.Invoke(this);
}
