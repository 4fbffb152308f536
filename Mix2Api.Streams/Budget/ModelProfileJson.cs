using System.Globalization;
using System.Text.Json;

namespace Mix2Api.Streams.Budget;

/// <summary>
/// Reads <c>MODEL_PROFILE_JSON</c>: an object keyed by model id, each entry an object with
/// <c>context_window</c>, <c>max_input_tokens</c>, <c>max_new_tokens</c> (camelCase accepted), each a
/// positive whole number (a numeric string too). Unlike the Node adapter, a bad entry or value is an error
/// (one line each) instead of being skipped or silently replaced; values above the window are clamped to
/// it with a notice; unknown fields get a notice (a Node deployment's extra fields must not stop start-up).
/// </summary>
public static class ModelProfileJson
{
    private static readonly string[][] Fields =
    [
        ["context_window", "contextWindow"],
        ["max_input_tokens", "maxInputTokens"],
        ["max_new_tokens", "maxNewTokens"],
    ];

    public static IReadOnlyList<ModelProfile> Parse(string? json, ModelProfileDefaults defaults, List<string> errors, List<string> notices)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(notices);
        var profiles = new List<ModelProfile>();
        if (string.IsNullOrWhiteSpace(json)) return profiles;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            errors.Add($"is not valid JSON ({ex.Message})");
            return profiles;
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add("must be a JSON object keyed by model id");
                return profiles;
            }
            foreach (var entry in doc.RootElement.EnumerateObject())
                if (ParseEntry(entry, defaults, errors, notices) is { } profile) profiles.Add(profile);
        }
        return profiles;
    }

    private static ModelProfile? ParseEntry(JsonProperty entry, ModelProfileDefaults defaults, List<string> errors, List<string> notices)
    {
        var id = entry.Name.Trim();
        if (id.Length == 0)
        {
            errors.Add("has an entry with an empty model id");
            return null;
        }
        if (entry.Value.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"model '{id}': the entry must be an object with context_window, max_input_tokens, max_new_tokens");
            return null;
        }
        var values = new int?[Fields.Length];
        var valid = true;
        foreach (var field in entry.Value.EnumerateObject())
        {
            var index = Array.FindIndex(Fields, names => Array.IndexOf(names, field.Name) >= 0);
            if (index < 0)
            {
                notices.Add($"MODEL_PROFILE_JSON model '{id}': unknown field '{field.Name}' ignored");
                continue;
            }
            if (PositiveInt(field.Value) is { } value) values[index] = value;
            else
            {
                errors.Add($"model '{id}': {Fields[index][0]} must be a positive whole number, not {field.Value.GetRawText()}");
                valid = false;
            }
        }
        if (!valid) return null;

        var window = values[0] ?? defaults.ContextWindow;
        var maxNew = Clamp(id, "max_new_tokens", values[2], window, notices) ?? defaults.DerivedMaxNewTokens(window);
        var maxInput = Clamp(id, "max_input_tokens", values[1], window, notices) ?? defaults.DerivedMaxInputTokens(window, maxNew);
        return new ModelProfile(id, window, maxInput, maxNew, true);
    }

    private static int? Clamp(string id, string field, int? value, int window, List<string> notices)
    {
        if (value is not { } v || v <= window) return value;
        notices.Add($"model.profile.adjusted model={id} field={field} from={v} to={window} (clamped to context_window)");
        return window;
    }

    private static int? PositiveInt(JsonElement value)
    {
        double d;
        if (value.ValueKind == JsonValueKind.Number) d = value.GetDouble();
        else if (value.ValueKind == JsonValueKind.String
            && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)) d = parsed;
        else return null;
        if (double.IsNaN(d) || d != Math.Floor(d) || d < 1 || d > int.MaxValue) return null;
        return (int)d;
    }
}
