namespace Mix2Api.Host.Upstream;

/// <summary>The dynamic upstream base policy (<c>UPSTREAM_DYNAMIC_BASE_ENABLED</c>, <c>UPSTREAM_BASE_*</c>); off by default.</summary>
public sealed record DynamicBaseSettings(bool Enabled, bool AllowHttp, bool AllowPrivate, IReadOnlyList<string> Allowlist)
{
    public static readonly DynamicBaseSettings Off = new(false, false, false, []);
}
