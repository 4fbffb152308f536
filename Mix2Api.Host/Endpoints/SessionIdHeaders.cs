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

    /// <summary>
    /// Echoes a session id in <c>x-session-id</c> when it can be a header value (printable ASCII, at most 256
    /// chars). Ids come from clients and the upstream; anything else would make Kestrel throw (a 500) mid-request.
    /// </summary>
    public static void Echo(HttpResponse response, string sessionId)
    {
        if (sessionId.Length is 0 or > 256) return;
        foreach (var c in sessionId)
            if (c is < ' ' or > '~') return;
        response.Headers["x-session-id"] = sessionId;
    }
}
