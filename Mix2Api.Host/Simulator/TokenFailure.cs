namespace Mix2Api.Host.Simulator;

/// <summary>How a simulated login fails.</summary>
public enum TokenFailure
{
    None,

    /// <summary>HTTP 500 with <c>{"error":{"message":…}}</c>.</summary>
    ServerError,

    /// <summary>HTTP 200 JSON without any token field.</summary>
    InvalidPayload,

    /// <summary>HTTP 200 whose body is not JSON.</summary>
    NotJson,
}
