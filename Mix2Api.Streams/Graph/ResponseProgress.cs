namespace Mix2Api.Streams.Graph;

/// <summary>The response sink's view of one run: whether any byte went to the client, and when the sink is done.</summary>
public sealed class ResponseProgress
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True once bytes were written to the client: from then on, errors must be in-band (SPEC §1.5).</summary>
    public bool Started { get; internal set; }

    /// <summary>Completes when the graph completed, faults with the failure that ended it; never before a pending flush settled.</summary>
    public Task Completion => _done.Task;

    internal void Complete() => _done.TrySetResult();

    internal void Fail(Exception failure) => _done.TrySetException(failure);
}
