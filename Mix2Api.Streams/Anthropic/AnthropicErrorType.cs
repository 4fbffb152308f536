using Mix2Api.Streams.Output;

namespace Mix2Api.Streams.Anthropic;

/// <summary>
/// The Anthropic <c>error.type</c> for one of our errors. The HTTP status stays ours (upstream trouble is
/// still 502/504, never 401/403, so a gateway never disables the channel); the type is what Anthropic uses
/// for that status, and in a stream, where there is no status, what the error's code means.
/// </summary>
public static class AnthropicErrorType
{
    /// <param name="status">The HTTP status, or 0 for an error event inside a started stream.</param>
    public static string Of(int status, ErrorBody? error) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 or 529 => "overloaded_error",
        >= 400 and < 500 => "invalid_request_error",
        _ => FromCode(error),
    };

    private static string FromCode(ErrorBody? error)
    {
        if (error is null) return "api_error";
        if (error.Type == "rate_limit_error") return "rate_limit_error";
        // Capacity and drain: Anthropic's retryable "try again" type, which Claude Code retries.
        return error.Code is "overloaded" or "shutdown" ? "overloaded_error" : "api_error";
    }
}
