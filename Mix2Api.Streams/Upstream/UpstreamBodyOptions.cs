namespace Mix2Api.Streams.Upstream;

/// <summary>The constants of the upstream request body (digest §2.2), configurable, Node values as defaults.</summary>
public sealed record UpstreamBodyOptions
{
    public string AgentSlug { get; init; } = "web-general";
    public string LocaleLocation { get; init; } = "Asia/Shanghai";
    public string LocaleLanguage { get; init; } = "zh-CN";
    public bool ModeSearch { get; init; } = true;
    public string? DefaultPersonaId { get; init; }
}
