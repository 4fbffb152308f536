namespace Mix2Api.Streams.Protocol;

/// <summary>A 400 <c>invalid_request_error</c> with the Node adapter's code, param and literal message.</summary>
public sealed record RequestError(string Code, string? Param, string Message)
{
    public static RequestError Invalid(string? param, string message) => new("invalid_request", param, message);
}
