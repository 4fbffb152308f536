namespace Mix2Api.Streams.Sse;

/// <summary>
/// One cancellation token for a request that fires on client disconnect, shutdown, or the first-byte,
/// idle and total deadlines, and remembers which came first (YARP's CancelledByLinkedToken idea).
/// Upstream activity is a timestamp write, not a timer reset: one timer re-arms itself lazily.
/// Time spent waiting for a slow client does not count as upstream idleness.
/// </summary>
public sealed class RequestDeadlines : IDisposable
{
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _cts = new();
    private readonly TimeSpan _firstByte;
    private readonly TimeSpan _idle;
    private readonly ITimer _activityTimer;
    private readonly ITimer? _totalTimer;
    private readonly CancellationTokenRegistration _clientRegistration;
    private readonly CancellationTokenRegistration _shutdownRegistration;
    private readonly long _started;
    private long _lastActivity;
    private int _paused;
    private int _cause;
    private volatile bool _firstByteSeen;

    public RequestDeadlines(TimeProvider time, CancellationToken clientAborted, CancellationToken shutdown,
        TimeSpan firstByte, TimeSpan idle, TimeSpan total)
    {
        _time = time;
        _firstByte = firstByte;
        _idle = idle;
        _started = _lastActivity = time.GetTimestamp();
        _activityTimer = time.CreateTimer(static s => ((RequestDeadlines)s!).OnActivityTimer(), this, firstByte, Timeout.InfiniteTimeSpan);
        if (total > TimeSpan.Zero && total != Timeout.InfiniteTimeSpan)
            _totalTimer = time.CreateTimer(static s => ((RequestDeadlines)s!).Cancel(DeadlineCause.Total), this, total, Timeout.InfiniteTimeSpan);
        _clientRegistration = clientAborted.Register(static s => ((RequestDeadlines)s!).Cancel(DeadlineCause.Client), this);
        _shutdownRegistration = shutdown.Register(static s => ((RequestDeadlines)s!).Cancel(DeadlineCause.Shutdown), this);
    }

    public CancellationToken Token => _cts.Token;

    public DeadlineCause Cause => (DeadlineCause)Volatile.Read(ref _cause);

    public bool FirstByteSeen => _firstByteSeen;

    /// <summary>Milliseconds from creation to the first upstream byte, or null.</summary>
    public double? FirstByteMs { get; private set; }

    public void OnUpstreamBytes()
    {
        var now = _time.GetTimestamp();
        Volatile.Write(ref _lastActivity, now);
        if (_firstByteSeen) return;
        FirstByteMs = _time.GetElapsedTime(_started, now).TotalMilliseconds;
        _firstByteSeen = true;
        _activityTimer.Change(_idle, Timeout.InfiniteTimeSpan);
    }

    /// <summary>We stop reading the upstream while the client drains: the idle clock stops too.</summary>
    public void PauseIdle() => Volatile.Write(ref _paused, 1);

    public void ResumeIdle()
    {
        Volatile.Write(ref _lastActivity, _time.GetTimestamp());
        Volatile.Write(ref _paused, 0);
    }

    /// <summary>Marks the request as cancelled by <paramref name="cause"/> unless another cause came first.</summary>
    public void Cancel(DeadlineCause cause)
    {
        if (Interlocked.CompareExchange(ref _cause, (int)cause, (int)DeadlineCause.None) != (int)DeadlineCause.None) return;
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The request finished while the timer fired: nothing left to cancel.
        }
    }

    private void OnActivityTimer()
    {
        if (!_firstByteSeen)
        {
            Cancel(DeadlineCause.FirstByte);
            return;
        }
        var idleFor = _time.GetElapsedTime(Volatile.Read(ref _lastActivity));
        if (Volatile.Read(ref _paused) == 0 && idleFor >= _idle)
        {
            Cancel(DeadlineCause.Idle);
            return;
        }
        var remaining = Volatile.Read(ref _paused) == 1 ? _idle : _idle - idleFor;
        try
        {
            _activityTimer.Change(remaining, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _clientRegistration.Dispose();
        _shutdownRegistration.Dispose();
        _activityTimer.Dispose();
        _totalTimer?.Dispose();
        _cts.Dispose();
    }
}
