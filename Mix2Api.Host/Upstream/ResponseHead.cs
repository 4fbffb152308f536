namespace Mix2Api.Host.Upstream;

/// <summary>How an upstream response's body is delimited (RFC 9112 §6.3).</summary>
public enum BodyFraming : byte
{
    /// <summary>No body (204, 304).</summary>
    None,
    ContentLength,
    Chunked,
    /// <summary>The body runs until the upstream closes the connection; the connection is never reused.</summary>
    UntilClose,
}

/// <summary>The parts of an upstream response head the broker acts on; every other header is skipped unread.</summary>
public sealed class ResponseHead
{
    public int Status { get; init; }
    public string? ContentType { get; init; }
    public BodyFraming Framing { get; init; }
    public long ContentLength { get; init; }
    /// <summary>The upstream will close the connection after this response (<c>Connection: close</c>, HTTP/1.0).</summary>
    public bool Close { get; init; }
    /// <summary>The raw <c>Retry-After</c> value: seconds or an HTTP date.</summary>
    public string? RetryAfter { get; init; }

    public bool IsJson => ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true;

    public bool IsEventStream => ContentType?.Contains("event-stream", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The wait <c>Retry-After</c> asks for, relative to <paramref name="now"/>; null when absent or unreadable.</summary>
    public TimeSpan? RetryAfterDelay(DateTimeOffset now)
    {
        if (RetryAfter is not { } value) return null;
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            return TimeSpan.FromSeconds(seconds);
        return DateTimeOffset.TryParseExact(value, "r", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var date) ? date - now : null;
    }
}
