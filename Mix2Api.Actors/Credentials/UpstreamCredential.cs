using Mix2Api.Streams.Diagnostics;

namespace Mix2Api.Actors.Credentials;

/// <summary>The bearer token to send upstream (none when null). Never logged: use <see cref="Fingerprint"/>.</summary>
public sealed record UpstreamCredential(string? BearerToken)
{
    public static readonly UpstreamCredential None = new((string?)null);

    public string Fingerprint => BearerToken is null ? "none" : Streams.Diagnostics.Fingerprint.Of(BearerToken);

    public override string ToString() => $"UpstreamCredential({Fingerprint})";
}
