using System.Text;
using System.Text.Json;

namespace Mix2Api.Host.Simulator;

/// <summary>One request as the simulator received it (chat or token).</summary>
/// <param name="Headers">Request headers (multi-valued joined with ", "); keys are case-insensitive.</param>
/// <param name="Body">The parsed JSON body, or null when the body is empty or not JSON.</param>
/// <param name="ReceivedAt">Wall clock from the simulator's <see cref="TimeProvider"/>.</param>
/// <param name="ReceivedTimestamp">Monotonic <see cref="TimeProvider.GetTimestamp"/> ticks (Stopwatch ticks with the system clock).</param>
public sealed record SimulatedRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    byte[] RawBody,
    JsonElement? Body,
    DateTimeOffset ReceivedAt,
    long ReceivedTimestamp)
{
    public string BodyText => Encoding.UTF8.GetString(RawBody);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The bearer token of the Authorization header, if any.</summary>
    public string? BearerToken
    {
        get
        {
            var auth = Header("authorization");
            const string prefix = "Bearer ";
            return auth is not null && auth.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? auth[prefix.Length..].Trim() : null;
        }
    }

    public override string ToString() => $"{Method} {Path} ({RawBody.Length} bytes)";
}
