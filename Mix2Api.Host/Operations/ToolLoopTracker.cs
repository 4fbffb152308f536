using System.Collections.Concurrent;

namespace Mix2Api.Host.Operations;

/// <summary>
/// Tool loops, tracked per session by call ids: a request that carries tool results answers the previous
/// <c>assistant(tool_calls)</c>; its loop (session fingerprint + those call ids) is closed when the answer is final
/// (<c>stop</c>/<c>length</c>), failed when it ends in an error, and still open when it asks for more tools. Each
/// loop counts once, at its first decisive end, so a client's retry of the same step is not a second loop.
/// </summary>
public sealed class ToolLoopTracker(TimeProvider time, int maxEntries = 50_000)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _decided = new(StringComparer.Ordinal);

    /// <summary>The loop's outcome to count for this request, or null (no loop step, still open, or already counted).</summary>
    public Outcome? Decide(string sessionFp, string? toolLoopKey, string endReason)
    {
        if (toolLoopKey is null) return null;
        Outcome? outcome = endReason switch
        {
            "stop" or "length" => Outcome.ToolLoopsClosed,
            "upstream_error" or "upstream_auth_error" or "timeout" or "adapter_error" or "shutdown" or "rate_limited" or "overloaded"
                => Outcome.ToolLoopsFailed,
            _ => null, // tool_calls (the loop goes on), client_abort (excluded), invalid_request (client's fault)
        };
        if (outcome is null) return null;
        if (!_decided.TryAdd(sessionFp + "/" + toolLoopKey, time.GetUtcNow())) return null;
        if (_decided.Count > maxEntries) Trim();
        return outcome;
    }

    private void Trim()
    {
        var horizon = time.GetUtcNow() - TimeSpan.FromHours(24);
        foreach (var (key, at) in _decided)
            if (at < horizon) _decided.TryRemove(key, out _);
        if (_decided.Count > maxEntries)
            foreach (var (key, _) in _decided.OrderBy(e => e.Value).Take(_decided.Count - maxEntries * 9 / 10))
                _decided.TryRemove(key, out _);
    }
}
