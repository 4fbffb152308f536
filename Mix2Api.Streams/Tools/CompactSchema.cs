using System.Text;
using System.Text.Json;

namespace Mix2Api.Streams.Tools;

/// <summary>
/// Renders a JSON schema as a compact TypeScript-like type for the instruction:
/// <c>{path: string, encoding?: "utf8"|"base64", opts?: {deep?: boolean}, tags?: string[]}</c>.
/// Types, enums, required and nesting survive; the verbose JSON-schema syntax does not.
/// </summary>
internal static class CompactSchema
{
    private const int MaxEnumValues = 20;
    private const int MaxProperties = 60;

    /// <param name="depth">Object nesting rendered in full; deeper objects become <c>object</c>.</param>
    /// <param name="enums">False renders enums as their base type (to save room).</param>
    public static void Render(JsonElement schema, StringBuilder sb, int depth, bool enums)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            sb.Append("any");
            return;
        }
        if (enums && schema.TryGetProperty("enum", out var en) && en.ValueKind == JsonValueKind.Array && en.GetArrayLength() > 0)
        {
            var n = 0;
            foreach (var v in en.EnumerateArray())
            {
                if (n > 0) sb.Append('|');
                if (n++ == MaxEnumValues) { sb.Append('…'); break; }
                sb.Append(v.GetRawText());
            }
            return;
        }
        if (enums && schema.TryGetProperty("const", out var cst))
        {
            sb.Append(cst.GetRawText());
            return;
        }
        if (Union(schema, "anyOf", sb, depth, enums) || Union(schema, "oneOf", sb, depth, enums)) return;
        if (schema.TryGetProperty("$ref", out var rf) && rf.ValueKind == JsonValueKind.String)
        {
            var r = rf.GetString()!;
            sb.Append(r[(r.LastIndexOf('/') + 1)..]);
            return;
        }

        if (schema.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.Array)
        {
            var first = true;
            foreach (var one in t.EnumerateArray())
            {
                if (one.ValueKind != JsonValueKind.String) continue;
                if (!first) sb.Append('|');
                first = false;
                RenderType(one.GetString()!, schema, sb, depth, enums);
            }
            if (first) sb.Append("any");
            return;
        }
        var type = t.ValueKind == JsonValueKind.String ? t.GetString()! : InferType(schema);
        RenderType(type, schema, sb, depth, enums);
    }

    private static string InferType(JsonElement schema)
        => schema.TryGetProperty("properties", out _) ? "object" : schema.TryGetProperty("items", out _) ? "array" : "any";

    private static void RenderType(string type, JsonElement schema, StringBuilder sb, int depth, bool enums)
    {
        switch (type)
        {
            case "object":
                RenderObject(schema, sb, depth, enums);
                break;
            case "array":
                if (schema.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object)
                {
                    var start = sb.Length;
                    Render(items, sb, depth, enums);
                    if (ContainsBar(sb, start)) { sb.Insert(start, '('); sb.Append(')'); }
                    sb.Append("[]");
                }
                else sb.Append("any[]");
                break;
            default:
                sb.Append(type);
                break;
        }
    }

    private static void RenderObject(JsonElement schema, StringBuilder sb, int depth, bool enums)
    {
        if (!schema.TryGetProperty("properties", out var props) || props.ValueKind != JsonValueKind.Object)
        {
            sb.Append("object");
            return;
        }
        if (depth <= 0)
        {
            sb.Append("object");
            return;
        }
        var required = Required(schema);
        sb.Append('{');
        var n = 0;
        foreach (var p in props.EnumerateObject())
        {
            if (n > 0) sb.Append(", ");
            if (n++ == MaxProperties) { sb.Append('…'); break; }
            AppendKey(p.Name, sb);
            if (!required.Contains(p.Name)) sb.Append('?');
            sb.Append(": ");
            Render(p.Value, sb, depth - 1, enums);
        }
        sb.Append('}');
    }

    private static bool ContainsBar(StringBuilder sb, int start)
    {
        for (var i = start; i < sb.Length; i++)
            if (sb[i] == '|') return true;
        return false;
    }

    private static bool Union(JsonElement schema, string keyword, StringBuilder sb, int depth, bool enums)
    {
        if (!schema.TryGetProperty(keyword, out var arr) || arr.ValueKind != JsonValueKind.Array || arr.GetArrayLength() == 0)
            return false;
        var first = true;
        foreach (var one in arr.EnumerateArray())
        {
            if (!first) sb.Append('|');
            first = false;
            Render(one, sb, depth, enums);
        }
        return true;
    }

    public static HashSet<string> Required(JsonElement schema)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array)
            foreach (var e in r.EnumerateArray())
                if (e.ValueKind == JsonValueKind.String) set.Add(e.GetString()!);
        return set;
    }

    private static void AppendKey(string name, StringBuilder sb)
    {
        var plain = name.Length > 0 && !char.IsAsciiDigit(name[0]);
        foreach (var ch in name) plain &= char.IsAsciiLetterOrDigit(ch) || ch is '_' or '$' or '-';
        if (plain) sb.Append(name);
        else sb.Append(JsonSerializer.Serialize(name));
    }
}
