namespace Mix2Api.Streams.Budget;

/// <summary>
/// Model id → profile (digest §9.1). Every <c>MODEL_LIST</c> id has the default profile, configured entries
/// override it; each key answers to itself, its slug (text after the last '/') and <c>mix/&lt;slug&gt;</c>.
/// A lookup tries the model, its slug, then <c>mix/&lt;slug&gt;</c>. Exact keys win over aliases.
/// </summary>
public sealed class ModelProfiles
{
    private readonly Dictionary<string, ModelProfile> _exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ModelProfile> _alias = new(StringComparer.Ordinal);

    public ModelProfiles(ModelProfileDefaults defaults, IEnumerable<string> modelList, IEnumerable<ModelProfile> configured)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        Defaults = defaults;
        foreach (var id in modelList) Register(defaults.Profile(id));
        foreach (var profile in configured) Register(profile);
    }

    public ModelProfileDefaults Defaults { get; }

    /// <summary>The profile of <paramref name="model"/>; the default profile (Id null) when nothing matches.</summary>
    public ModelProfile Lookup(string model)
    {
        if (_exact.TryGetValue(model, out var p) || _alias.TryGetValue(model, out p)) return p;
        var slug = Slug(model);
        if (_exact.TryGetValue(slug, out p) || _alias.TryGetValue(slug, out p)) return p;
        var mix = "mix/" + slug;
        if (_exact.TryGetValue(mix, out p) || _alias.TryGetValue(mix, out p)) return p;
        return Defaults.Profile(null);
    }

    private void Register(ModelProfile profile)
    {
        var id = profile.Id!;
        _exact[id] = profile;
        var slug = Slug(id);
        if (slug.Length == 0) return;
        _alias[slug] = profile;
        _alias["mix/" + slug] = profile;
    }

    private static string Slug(string model) => model[(model.LastIndexOf('/') + 1)..].Trim();
}
