namespace Mix2Api.Host.Simulator;

/// <summary>Token counts the simulated upstream reports.</summary>
public readonly record struct SimUsage(int InputTokens, int OutputTokens);
