using Mix2Api.Streams.Output;

namespace Mix2Api.Host.Http;

/// <summary>The inbound <c>x-request-id</c> when it is 1–128 chars of <c>[A-Za-z0-9._:-]</c>, else a fresh one.</summary>
public static class RequestIds
{
    public static string From(string? inbound)
    {
        var candidate = inbound?.Trim();
        if (!string.IsNullOrEmpty(candidate) && candidate.Length <= 128 && IsValid(candidate)) return candidate;
        return "req_" + ChunkIdentity.RandomId(24);
    }

    private static bool IsValid(string id)
    {
        foreach (var c in id)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-')) return false;
        return true;
    }
}
