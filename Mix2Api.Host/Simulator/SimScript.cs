namespace Mix2Api.Host.Simulator;

/// <summary>
/// What the simulator does for one chat request: its steps in order. Scripts are immutable and may be
/// shared by many concurrent exchanges (gates are shared too: opening one releases every waiter).
/// </summary>
public sealed record SimScript
{
    public string Name { get; }

    public IReadOnlyList<SimStep> Steps { get; }

    /// <summary>Overrides <see cref="SimulatorOptions.KeepAliveInterval"/> for this script.</summary>
    public TimeSpan? KeepAliveInterval { get; init; }

    public SimScript(string name, IReadOnlyList<SimStep> steps)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(steps);
        Validate(name, steps);
        Name = name;
        Steps = steps;
    }

    public SimScript(string name, params SimStep[] steps) : this(name, (IReadOnlyList<SimStep>)steps) { }

    public override string ToString() => $"SimScript({Name}, {Steps.Count} steps)";

    // A non-SSE reply decides the status line, so it cannot follow anything already written.
    private static void Validate(string name, IReadOnlyList<SimStep> steps)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] is null) throw new ArgumentException($"Script '{name}': step {i} is null.", nameof(steps));
            if (steps[i] is not SimStep.Reply) continue;
            if (i != steps.Count - 1)
                throw new ArgumentException($"Script '{name}': a Reply step must be the last step.", nameof(steps));
            for (var j = 0; j < i; j++)
            {
                if (steps[j] is not (SimStep.Delay or SimStep.WaitGate))
                    throw new ArgumentException($"Script '{name}': only Delay/WaitGate may precede a Reply (step {j} is {steps[j].GetType().Name}).", nameof(steps));
            }
        }
    }
}
