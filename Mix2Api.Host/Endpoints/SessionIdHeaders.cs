using Mix2Api.Streams.Protocol;

namespace Mix2Api.Host.Endpoints;

/// <summary>Client-supplied upstream ids (digest §5.2): headers first, then body and metadata.</summary>
public static class SessionIdHeaders
{
    public static string? SessionId(HttpRequest request, ChatRequest body)
        => First(request, "x-session-id", "x-session_id") ?? body.SessionId;

    public static string? ExchangeId(HttpRequest request, ChatRequest body)
        => First(request, "x-exchange-id", "x-exchange_id") ?? body.ExchangeId;

    public static string? PersonaId(HttpRequest request, ChatRequest body)
        => First(request, "x-persona-id", "x-persona_id") ?? body.PersonaId;

    public static string? First(HttpRequest request, params string[] names)
    {
        foreach (var name in names)
        {
            var value = request.Headers[name].ToString().Trim();
            if (value.Length > 0) return value;
        }
        return null;
    }
}
