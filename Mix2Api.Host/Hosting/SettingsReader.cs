using System.Globalization;

namespace Mix2Api.Host.Hosting;

/// <summary>
/// Reads settings by either name and collects one clear line per invalid value, so start-up can
/// list every problem at once instead of failing on the first.
/// </summary>
public sealed class SettingsReader(IConfiguration configuration)
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;

    /// <summary>
    /// The raw value; blank counts as unset. Sources keep their order whatever name they use (an
    /// environment variable with the Node name beats <c>config/defaults.json</c> with the .NET path);
    /// within one source the .NET path wins over the Node name.
    /// </summary>
    public string? Raw(SettingKey key)
    {
        if (configuration is IConfigurationRoot root)
        {
            foreach (var provider in root.Providers.Reverse())
            {
                if ((provider.TryGet(key.Path, out var v) && !string.IsNullOrWhiteSpace(v))
                    || (provider.TryGet(key.Env, out v) && !string.IsNullOrWhiteSpace(v)))
                    return v!.Trim();
            }
            return null;
        }
        var value = configuration[key.Path];
        if (string.IsNullOrWhiteSpace(value)) value = configuration[key.Env];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public bool IsSet(SettingKey key) => Raw(key) is not null;

    public string String(SettingKey key) => Raw(key) ?? key.Default;

    public void Error(SettingKey key, string problem) => _errors.Add($"{key.Env} ({key.Path}): {problem}");

    /// <summary>A problem whose message already names the setting (e.g. from a component's own validation).</summary>
    public void Error(string line) => _errors.Add(line);

    public int Int(SettingKey key, int min = 0, int max = int.MaxValue, int? fallback = null)
    {
        var raw = Raw(key);
        var deflt = fallback ?? int.Parse(key.Default, CultureInfo.InvariantCulture);
        if (raw is null) return deflt;
        if (!long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            Error(key, $"'{raw}' is not a whole number");
            return deflt;
        }
        if (value < min || value > max)
        {
            Error(key, $"{value} is outside {min}..{max}");
            return deflt;
        }
        return (int)value;
    }

    public TimeSpan Millis(SettingKey key, int min = 0, int? fallbackMs = null)
        => TimeSpan.FromMilliseconds(Int(key, min, int.MaxValue, fallbackMs));

    public bool Bool(SettingKey key)
    {
        var raw = Raw(key);
        if (raw is null) return bool.Parse(key.Default);
        switch (raw.ToLowerInvariant())
        {
            case "1" or "true" or "yes" or "on": return true;
            case "0" or "false" or "no" or "off": return false;
            default:
                Error(key, $"'{raw}' is not a boolean (true/false/1/0/yes/no/on/off)");
                return bool.Parse(key.Default);
        }
    }

    public string Choice(SettingKey key, params string[] allowed)
    {
        var value = String(key).ToLowerInvariant();
        if (Array.IndexOf(allowed, value) >= 0) return value;
        Error(key, $"'{value}' is not one of {string.Join(", ", allowed)}");
        return key.Default;
    }

    /// <summary>Parses sizes like <c>5mb</c>, <c>512kb</c>, <c>1048576</c>.</summary>
    public long Bytes(SettingKey key)
    {
        var raw = String(key).ToLowerInvariant();
        var (digits, unit) = raw.EndsWith("mb") ? (raw[..^2], 1L << 20)
            : raw.EndsWith("kb") ? (raw[..^2], 1L << 10)
            : raw.EndsWith("gb") ? (raw[..^2], 1L << 30)
            : raw.EndsWith('b') ? (raw[..^1], 1L) : (raw, 1L);
        if (double.TryParse(digits.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0)
            return (long)(n * unit);
        Error(key, $"'{raw}' is not a size (e.g. 5mb, 512kb, 1048576)");
        return 5L << 20;
    }

    public Uri? AbsoluteUrl(SettingKey key)
    {
        var raw = Raw(key);
        if (raw is null) return null;
        if (Uri.TryCreate(raw, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri;
        Error(key, $"'{raw}' is not an absolute http(s) URL");
        return null;
    }
}
