using System.Text.Json;

namespace Mix2Api.Host.Diagnostics;

/// <summary>A part of the node that reports into <c>/health</c> (session store, members, token lease).</summary>
public interface IHealthContributor
{
    /// <summary>Serving, but not as configured (e.g. Redis down, memory fallback).</summary>
    bool Degraded { get; }

    /// <summary>Able to serve requests at all.</summary>
    bool Ready { get; }

    /// <summary>Writes this part's properties into the open <c>/health</c> object.</summary>
    void Write(Utf8JsonWriter writer);
}
