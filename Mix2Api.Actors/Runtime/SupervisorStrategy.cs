namespace Mix2Api.Actors.Runtime;

/// <summary>
/// Supervision as data (Akka <c>OneForOneStrategy(maxNrOfRetries, withinTimeRange, decider)</c>): a decider maps
/// an exception to a <see cref="Directive"/>, and more than <see cref="MaxRestarts"/> restarts within
/// <see cref="Window"/> turn the next restart into a stop, so a poisoned actor cannot spin forever.
/// </summary>
public sealed record SupervisorStrategy(int MaxRestarts, TimeSpan Window, Func<Exception, Directive> Decider)
{
    /// <summary>Restart on anything except a failed start, which would only fail again (Akka's DefaultDecider).</summary>
    public static Directive DefaultDecider(Exception exception)
        => exception is ActorInitializationException ? Directive.Stop : Directive.Restart;

    public static readonly SupervisorStrategy Default = new(10, TimeSpan.FromMinutes(1), DefaultDecider);

    /// <summary>Applies the decider and the restart budget kept in <paramref name="budget"/>.</summary>
    public Directive Decide(Exception exception, RestartBudget budget, DateTimeOffset now)
    {
        var directive = Decider(exception);
        if (directive != Directive.Restart) return directive;
        return budget.TryConsume(now, MaxRestarts, Window) ? Directive.Restart : Directive.Stop;
    }
}

/// <summary>The restarts one actor used recently; owned by that actor, so no locking.</summary>
public sealed class RestartBudget
{
    private readonly Queue<DateTimeOffset> _restarts = new();

    public int Used => _restarts.Count;

    public bool TryConsume(DateTimeOffset now, int max, TimeSpan window)
    {
        while (_restarts.Count > 0 && now - _restarts.Peek() > window) _restarts.Dequeue();
        if (_restarts.Count >= max) return false;
        _restarts.Enqueue(now);
        return true;
    }
}
