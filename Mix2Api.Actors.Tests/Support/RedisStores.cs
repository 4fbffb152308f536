using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mix2Api.Actors.State;

namespace Mix2Api.Tests.Support;

/// <summary>Builds the real stores the way the host does, against a <see cref="RedisServerFixture"/>.</summary>
public static class RedisStores
{
    public static RedisSettings Settings(RedisServerFixture redis, int commandTimeoutMs = 250, int pingMs = 100)
        => new(redis.ConnectionString, TimeSpan.FromMilliseconds(2000), TimeSpan.FromMilliseconds(commandTimeoutMs), TimeSpan.FromMilliseconds(pingMs));

    /// <summary>
    /// A connected <see cref="RedisConnection"/> (waits, at most 10 s, for the first good ping). Tests of session and
    /// token semantics use a generous command timeout so a loaded machine cannot degrade the store under them;
    /// the outage tests pass the production 250 ms.
    /// </summary>
    public static async Task<RedisConnection> ConnectAsync(RedisServerFixture redis, ILoggerFactory? loggers = null, int commandTimeoutMs = 2000)
    {
        var connection = new RedisConnection(Settings(redis, commandTimeoutMs), TimeProvider.System, (loggers ?? NullLoggerFactory.Instance).CreateLogger<RedisConnection>());
        connection.Start();
        await Eventually.TrueAsync(() => connection.IsAvailable, TimeSpan.FromSeconds(10), "Redis connection did not become available");
        return connection;
    }
}

/// <summary>Polling with an explicit maximum, for conditions that have no event to await.</summary>
public static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, TimeSpan max, string because)
        => TrueAsync(() => Task.FromResult(condition()), max, () => because);

    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan max, string because) => TrueAsync(condition, max, () => because);

    public static Task TrueAsync(Func<bool> condition, TimeSpan max, Func<string> because)
        => TrueAsync(() => Task.FromResult(condition()), max, because);

    /// <param name="because">Read only on time-out, so it can describe the state then (a process's output so far).</param>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan max, Func<string> because)
    {
        var deadline = DateTime.UtcNow + max;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(because());
            await Task.Delay(20);
        }
    }
}
