namespace Mix2Api.Actors.Runtime;

/// <summary>
/// A message that someone awaits (the Akka <c>Ask</c> pattern). When its handler throws or the actor stops
/// before handling it, the runtime fails the waiting caller instead of leaving it hanging.
/// </summary>
public interface IReplyable
{
    void Fail(Exception exception);
}

/// <summary>The reply slot an ask message carries; completes at most once.</summary>
public sealed class Reply<T>
{
    private readonly TaskCompletionSource<T> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _tcs.Task;
    public void Set(T value) => _tcs.TrySetResult(value);
    public void Fail(Exception exception) => _tcs.TrySetException(exception);
}
