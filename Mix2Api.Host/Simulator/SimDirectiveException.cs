namespace Mix2Api.Host.Simulator;

/// <summary>A <c>[[sim:…]]</c> directive that cannot be understood; the simulator answers 400 with the message.</summary>
public sealed class SimDirectiveException(string message) : Exception(message);
