namespace Mix2Api.Actors.Credentials;

/// <summary>
/// Where the upstream credential comes from (UPSTREAM_AUTH_MODE): none, static, pass_through or
/// managed (the TokenManager singleton). Failures throw <see cref="UpstreamCredentialException"/>.
/// </summary>
public interface ICredentialProvider
{
    /// <summary>The mode name as configured (none, static, pass_through, managed).</summary>
    string Mode { get; }

    ValueTask<UpstreamCredential> GetAsync(string? inboundBearer, CancellationToken cancellationToken);

    /// <summary>
    /// The upstream rejected <paramref name="rejected"/> (401/403 or an auth-error payload). Returns a
    /// different credential to retry with once, or null when this mode cannot recover.
    /// </summary>
    ValueTask<UpstreamCredential?> RecoverAsync(UpstreamCredential rejected, CancellationToken cancellationToken);
}
