namespace Mix2Api.Streams.Supervision;

/// <summary>How one request ended: its exit path, the detail the client may see, and what that means (end_reason, status, error).</summary>
public sealed record ExitDecision(StreamExit Exit, string? Detail, ExitVerdict Verdict)
{
    public static ExitDecision Of(StreamExit exit, string? detail = null) => new(exit, detail, EndReasonClassifier.Classify(exit, detail));
}
