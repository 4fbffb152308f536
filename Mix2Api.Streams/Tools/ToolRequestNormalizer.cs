using System.Text.Json;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Tools;

/// <summary>
/// Reads the request's <c>tools</c>, legacy <c>functions</c>, <c>tool_choice</c> and legacy
/// <c>function_call</c> (digest §4.7) into function tool definitions and one choice. Non-function
/// tools (<c>mcp</c>, unknown types) are counted and otherwise ignored: never shown, never called.
/// </summary>
internal static class ToolRequestNormalizer
{
    public static List<ToolDefinition> FunctionTools(ChatRequest request, out int ignoredTools)
    {
        ignoredTools = 0;
        var result = new List<ToolDefinition>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var source = request.UsesLegacyFunctions ? request.Functions : request.Tools;
        foreach (var entry in source)
        {
            var fn = FunctionObject(entry, legacy: request.UsesLegacyFunctions);
            if (fn is not { } f || Str(f, "name") is not { } name)
            {
                ignoredTools++;
                continue;
            }
            if (!seen.Add(name)) continue; // first declaration wins; a duplicate adds nothing the model could use
            var parameters = f.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object ? p : (JsonElement?)null;
            result.Add(new ToolDefinition(name, Str(f, "description"), parameters));
        }
        return result;
    }

    /// <summary>The object holding name/description/parameters, or null for a non-function tool.</summary>
    private static JsonElement? FunctionObject(JsonElement entry, bool legacy)
    {
        if (entry.ValueKind != JsonValueKind.Object) return null;
        if (legacy) return entry;
        var hasType = entry.TryGetProperty("type", out var typeEl) && typeEl.ValueKind != JsonValueKind.Null;
        if (hasType && !(typeEl.ValueKind == JsonValueKind.String && typeEl.GetString() == "function")) return null;
        if (entry.TryGetProperty("function", out var fn) && fn.ValueKind == JsonValueKind.Object) return fn;
        // A bare function schema ({name, description, parameters}) with no type or type function.
        return entry;
    }

    /// <summary>
    /// The effective choice: <c>tool_choice</c>, else the legacy <c>function_call</c> mapped as digest
    /// §4.7. <paramref name="param"/> names the field it came from, for error messages.
    /// </summary>
    public static (ToolChoiceKind Kind, string? Name, string Param) Choice(ChatRequest request)
    {
        if (request.ToolChoice is { } tc) return (Parse(tc, out var n), n, "tool_choice");
        if (request.FunctionCall is { } fc) return (Parse(fc, out var n), n, "function_call");
        return (ToolChoiceKind.Auto, null, "tool_choice");
    }

    private static ToolChoiceKind Parse(JsonElement value, out string? name)
    {
        name = null;
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString()!.Trim().ToLowerInvariant() switch
                {
                    "none" => ToolChoiceKind.None,
                    "required" or "any" => ToolChoiceKind.Required,
                    _ => ToolChoiceKind.Auto, // "auto" and unknown strings (the Node adapter drops them)
                };
            case JsonValueKind.Object:
                // {type:"function", function:{name}} and the legacy {name}.
                var holder = value.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : value;
                var type = Str(value, "type");
                if (type is not null && type != "function") return ToolChoiceKind.Auto; // allowed_tools, mcp, …: not ours to force
                name = Str(holder, "name");
                return name is null ? ToolChoiceKind.Auto : ToolChoiceKind.Named;
            default:
                return ToolChoiceKind.Auto;
        }
    }

    private static string? Str(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String)
            return null;
        var s = v.GetString()!.Trim();
        return s.Length == 0 ? null : s;
    }
}
