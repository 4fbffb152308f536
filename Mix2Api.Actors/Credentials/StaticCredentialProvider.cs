namespace Mix2Api.Actors.Credentials;

/// <summary>Modes none, static and pass_through: nothing to refresh, so no recovery.</summary>
public sealed class StaticCredentialProvider(string mode, string? staticToken) : ICredentialProvider
{
    private readonly UpstreamCredential _static = staticToken is null ? UpstreamCredential.None : new UpstreamCredential(staticToken);

    public string Mode => mode;

    public ValueTask<UpstreamCredential> GetAsync(string? inboundBearer, CancellationToken cancellationToken) => mode switch
    {
        "none" => ValueTask.FromResult(UpstreamCredential.None),
        "pass_through" => inboundBearer is { Length: > 0 }
            ? ValueTask.FromResult(new UpstreamCredential(inboundBearer))
            : throw new UpstreamCredentialException("UPSTREAM_AUTH_MODE=pass_through requires an inbound Bearer token"),
        _ => ValueTask.FromResult(_static),
    };

    public ValueTask<UpstreamCredential?> RecoverAsync(UpstreamCredential rejected, CancellationToken cancellationToken)
        => ValueTask.FromResult<UpstreamCredential?>(null);
}
