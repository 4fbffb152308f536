namespace Mix2Api.Host.Admin;

/// <summary>The upstream token as the cluster holds it (fingerprint only). On Akka: asked of the TokenManager singleton.</summary>
public interface ITokenView
{
    Task<TokenInfo> ShowAsync(CancellationToken cancellationToken);

    /// <summary>Forces one refresh (managed mode); null when this mode has nothing to refresh.</summary>
    Task<TokenInfo?> RefreshAsync(CancellationToken cancellationToken);
}
