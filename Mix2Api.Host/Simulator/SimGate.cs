namespace Mix2Api.Host.Simulator;

/// <summary>
/// A one-shot gate a test places in a script (<see cref="SimStep.WaitGate"/>): the simulator stops there
/// until the test calls <see cref="Open"/>. <see cref="WhenReached"/> completes once every step before the
/// gate has been written and flushed, so a test can tell "the upstream has sent exactly this much".
/// </summary>
public sealed class SimGate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name { get; }

    public SimGate(string name = "gate") => Name = name;

    /// <summary>Completes when a stream arrives at the gate (everything before it flushed).</summary>
    public Task WhenReached => _reached.Task;

    public bool IsOpen => _open.Task.IsCompleted;

    /// <summary>Lets every stream waiting at (or later arriving at) this gate continue.</summary>
    public void Open() => _open.TrySetResult();

    internal Task WhenOpen => _open.Task;

    internal void MarkReached() => _reached.TrySetResult();

    public override string ToString() => $"gate '{Name}'";
}
