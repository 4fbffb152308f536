using System.Text.Json;

namespace Mix2Api.Host.Diagnostics;

/// <summary>Health of the stateless/in-memory session setup: the Node adapter's <c>session_store</c> block.</summary>
public sealed class MemorySessionHealth : IHealthContributor
{
    public bool Degraded => false;
    public bool Ready => true;

    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject("session_store");
        w.WriteString("mode", "memory");
        w.WriteBoolean("degraded", false);
        w.WriteBoolean("connected", false);
        w.WriteNull("reason");
        w.WriteEndObject();
        w.WriteStartArray("members");
        w.WriteEndArray();
        w.WriteNull("token");
    }
}
