using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Mix2Api.Actors.Runtime;

/// <summary>
/// A small actor: one bounded mailbox (<see cref="Channel{T}"/>, single reader) drained by one loop, so a
/// handler never runs concurrently with another handler of the same actor. Failures go through the
/// <see cref="SupervisorStrategy"/>; an idle actor gets <see cref="OnReceiveTimeoutAsync"/> (passivation).
/// Handlers may await short, bounded work (a store command with its own timeout); anything longer is started
/// and its result sent back as a message with <see cref="PipeToSelf{TResult}"/>, like Akka's <c>PipeTo(Self)</c>.
/// </summary>
public abstract class ReceiveActor<T> where T : class
{
    private readonly Channel<Envelope> _mailbox;
    private readonly RestartBudget _budget = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _idleTimer;
    private long _received;
    private int _started;

    protected ReceiveActor(ActorSettings settings)
    {
        Settings = settings;
        _mailbox = Channel.CreateBounded<Envelope>(new BoundedChannelOptions(settings.MailboxCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            // A message to an idle actor is handled on the sender's thread (the loop is still the only
            // reader): a request-reply costs no thread-pool hops, which is most of an idle round trip.
            AllowSynchronousContinuations = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    protected ActorSettings Settings { get; }
    protected ILogger Log => Settings.Logger;
    protected TimeProvider Time => Settings.Time;
    public string Name => Settings.Name;

    /// <summary>Completes when the loop has exited (after a stop, the remaining messages are failed).</summary>
    public Task Completion => _completion.Task;

    public bool IsStopped => Completion.IsCompleted || _stopRequested;
    private volatile bool _stopRequested;

    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1) return;
        _ = Task.Run(RunAsync);
    }

    /// <summary>Enqueue without waiting. False when the mailbox is full or the actor has stopped.</summary>
    public bool Tell(T message) => _mailbox.Writer.TryWrite(new Envelope(message, Signal.None));

    /// <summary>Enqueue, waiting for room (backpressure). Throws <see cref="ActorStoppedException"/> after a stop.</summary>
    public async ValueTask TellAsync(T message, CancellationToken cancellationToken)
    {
        try
        {
            await _mailbox.Writer.WriteAsync(new Envelope(message, Signal.None), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ActorStoppedException(Name);
        }
    }

    /// <summary>Closes the mailbox; queued messages are failed (ask callers get <see cref="ActorStoppedException"/>).</summary>
    public void Stop()
    {
        _stopRequested = true;
        _mailbox.Writer.TryComplete();
    }

    protected abstract ValueTask OnReceiveAsync(T message);

    protected virtual ValueTask PreStartAsync() => ValueTask.CompletedTask;
    protected virtual ValueTask PostStopAsync() => ValueTask.CompletedTask;

    /// <summary>Reset in-memory state before continuing after a failure (Akka re-creates the instance instead).</summary>
    protected virtual ValueTask OnRestartAsync(Exception reason) => ValueTask.CompletedTask;

    /// <summary>No message for <see cref="ActorSettings.ReceiveTimeout"/>. Typically: passivate by calling <see cref="Stop"/>.</summary>
    protected virtual ValueTask OnReceiveTimeoutAsync() => ValueTask.CompletedTask;

    /// <summary>Run <paramref name="work"/> outside the mailbox and deliver its outcome as a message.</summary>
    protected void PipeToSelf<TResult>(Task<TResult> work, Func<TResult, T> success, Func<Exception, T> failure)
        => _ = PipeAsync(work, success, failure);

    private async Task PipeAsync<TResult>(Task<TResult> work, Func<TResult, T> success, Func<Exception, T> failure)
    {
        T message;
        try
        {
            message = success(await work.ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            message = failure(ex);
        }
        try
        {
            await TellAsync(message, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ActorStoppedException)
        {
            // The actor went away while the work ran; the result has no one to go to.
        }
    }

    private async Task RunAsync()
    {
        try
        {
            try
            {
                await PreStartAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await HandleFailureAsync(null, new ActorInitializationException(Name, ex)).ConfigureAwait(false);
            }
            ArmIdleTimer();
            var reader = _mailbox.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var envelope))
                {
                    if (_stopRequested)
                    {
                        FailQueued(envelope);
                        continue;
                    }
                    if (envelope.Signal == Signal.ReceiveTimeout)
                    {
                        if (envelope.Stamp != Volatile.Read(ref _received)) continue; // a message arrived since: not idle
                        await InvokeAsync(null).ConfigureAwait(false);
                        continue;
                    }
                    Interlocked.Increment(ref _received);
                    await InvokeAsync(envelope.Message).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _idleTimer?.Dispose();
            try
            {
                await PostStopAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.LogWarning(ex, "Actor {Actor} failed in PostStop", Name);
            }
            _completion.TrySetResult();
        }
    }

    private async ValueTask InvokeAsync(T? message)
    {
        try
        {
            if (message is null) await OnReceiveTimeoutAsync().ConfigureAwait(false);
            else await OnReceiveAsync(message).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await HandleFailureAsync(message, ex).ConfigureAwait(false);
        }
    }

    private async ValueTask HandleFailureAsync(T? message, Exception ex)
    {
        if (message is IReplyable replyable) replyable.Fail(ex);
        var directive = Settings.Supervisor.Decide(ex, _budget, Time.GetUtcNow());
        Log.LogWarning(ex, "Actor {Actor} failed; directive {Directive}", Name, directive);
        switch (directive)
        {
            case Directive.Resume:
                return;
            case Directive.Restart:
                try
                {
                    await OnRestartAsync(ex).ConfigureAwait(false);
                }
                catch (Exception restartFailure)
                {
                    Log.LogError(restartFailure, "Actor {Actor} failed to restart; stopping", Name);
                    Stop();
                }
                return;
            case Directive.Escalate:
                Stop();
                Settings.OnEscalate?.Invoke(ex);
                return;
            default:
                Stop();
                return;
        }
    }

    private void FailQueued(Envelope envelope)
    {
        if (envelope.Message is IReplyable replyable) replyable.Fail(new ActorStoppedException(Name));
    }

    private void ArmIdleTimer()
    {
        if (Settings.ReceiveTimeout is not { } idle) return;
        // One periodic timer per actor instead of one per message: each tick checks whether anything arrived.
        long lastSeen = -1;
        _idleTimer = Time.CreateTimer(_ =>
        {
            var now = Volatile.Read(ref _received);
            if (now == lastSeen) _mailbox.Writer.TryWrite(new Envelope(null, Signal.ReceiveTimeout, now));
            lastSeen = now;
        }, null, idle, idle);
    }

    private enum Signal : byte { None, ReceiveTimeout }

    private readonly record struct Envelope(T? Message, Signal Signal, long Stamp = 0);
}
