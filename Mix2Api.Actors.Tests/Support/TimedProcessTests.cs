namespace Mix2Api.Tests.Support;

/// <summary>
/// Tests that run several real processes (brokers, redis-server, load) and assert time bounds a user would notice
/// (a turn within the session ask timeouts, a drain that lasts SHUTDOWN_DRAIN_MS). On a 2-core machine two of them
/// side by side starve each other's brokers into missing those bounds, so they run one at a time, after the rest.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedProcessTests
{
    public const string Name = "real processes with time bounds";
}
