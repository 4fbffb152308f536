namespace Mix2Api.Host.Http;

/// <summary>
/// Which agent is calling (digest §5.1): x-client headers first, then the User-Agent (Claude Code sends
/// <c>claude-cli/&lt;version&gt; (external, …)</c>).
/// </summary>
public static class ClientInference
{
    public static string From(IHeaderDictionary headers)
    {
        foreach (var name in (ReadOnlySpan<string>)["x-client", "x-client-id", "x-client_name"])
        {
            var value = headers[name].ToString();
            if (value.Length > 0) return Sanitize(value);
        }
        var ua = headers.UserAgent.ToString();
        if (ua.Contains("opencode", StringComparison.OrdinalIgnoreCase)) return "opencode";
        // Claude Code's real user agent is `claude-cli/<version> (external, cli)`; the others are what gateways and older builds send.
        if (ua.Contains("claude-cli", StringComparison.OrdinalIgnoreCase) || ua.Contains("claude code", StringComparison.OrdinalIgnoreCase)
            || ua.Contains("claude-code", StringComparison.OrdinalIgnoreCase) || ua.Contains("claudecode", StringComparison.OrdinalIgnoreCase)) return "claude-code";
        return "unknown";
    }

    /// <summary>Lower-case, <c>[a-z0-9._:-]</c> only, at most 80 chars: safe in keys, logs and metric labels.</summary>
    public static string Sanitize(string value)
    {
        var s = value.Trim().ToLowerInvariant();
        Span<char> buffer = stackalloc char[Math.Min(s.Length, 80)];
        for (var i = 0; i < buffer.Length; i++)
        {
            var c = s[i];
            buffer[i] = char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-' ? c : '_';
        }
        return buffer.Length == 0 ? "unknown" : new string(buffer);
    }
}
