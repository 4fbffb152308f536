namespace Mix2Api.Host.Upstream;

/// <summary>The upstream base in use: configured, or the embedded simulator's address once it started.</summary>
public sealed class UpstreamTarget
{
    private Uri? _base;
    private Uri? _chat;

    public required string ChatPath { get; init; }

    public bool IsSimulator { get; private set; }

    public Uri Base => _base ?? throw new InvalidOperationException("upstream base not set yet");

    public Uri ChatUrl => _chat ?? throw new InvalidOperationException("upstream base not set yet");

    public void Set(Uri baseUrl, bool simulator)
    {
        _base = baseUrl;
        _chat = new Uri(baseUrl.ToString().TrimEnd('/') + ChatPath);
        IsSimulator = simulator;
    }
}
