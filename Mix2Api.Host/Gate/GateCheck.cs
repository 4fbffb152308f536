namespace Mix2Api.Host.Gate;

/// <summary>One check of the release gate and how it went.</summary>
public sealed record GateCheck(string Pack, string Name, bool Passed, double Milliseconds, string Detail);
