namespace Mix2Api.Host.Simulator;

/// <summary>How the simulated chat route answers a bearer it does not accept (with <see cref="UpstreamSimulator.RequireToken"/>).</summary>
public enum TokenRejection
{
    /// <summary>HTTP 401 with <c>{"error":{"message":"token expired"}}</c>.</summary>
    Status401,

    /// <summary>HTTP 200 with the same JSON error body: the auth-error payload some upstreams send (digest §6).</summary>
    AuthErrorPayload,
}
