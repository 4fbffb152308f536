namespace Mix2Api.Bench;

/// <summary>The broker process died during a run (its exit code and log are in the message).</summary>
public sealed class BrokerExitedException(string message) : Exception(message);
