namespace Mix2Api.Actors.Credentials;

/// <summary>No usable upstream credential (managed login failed or is backing off). Becomes 502 <c>upstream_auth_error</c>.</summary>
public sealed class UpstreamCredentialException(string message, Exception? inner = null) : Exception(message, inner);
