using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Mix2Api.Streams.Tools;

/// <summary>
/// Turns a loose argument value (<c>(filePath:/x, force: true}</c>) into a JSON object text.
/// Valid JSON is kept as written; pseudo pairs are written with types coerced the way the Node
/// adapter does (true/false/null/numbers), everything else as strings.
/// </summary>
internal static class PseudoJson
{
    private static readonly JsonWriterOptions WriterOptions = Output.RelaxedJson.Options;

    public static string ToJsonObject(ReadOnlySpan<char> value)
    {
        var text = value.Trim().ToString();
        if (text.Length == 0) return "{}";
        if (TryJson(text, out var kind))
        {
            if (kind is JsonValueKind.Object or JsonValueKind.Array) return text;
            return "{\"value\":" + text + "}";
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            var inner = StripBrackets(text);
            var pairs = SplitPairs(inner);
            if (pairs.Count == 0)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("value");
                WriteScalar(writer, inner.Trim());
                writer.WriteEndObject();
            }
            else WriteObject(writer, pairs);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteObject(Utf8JsonWriter writer, List<(string Key, string Value)> pairs)
    {
        writer.WriteStartObject();
        foreach (var (key, val) in pairs)
        {
            writer.WritePropertyName(key);
            var v = val.Trim();
            if (v.Length > 0 && v[0] is '(' or '{' && !TryJson(v, out _) && SplitPairs(StripBrackets(v)) is { Count: > 0 } nested)
                WriteObject(writer, nested);
            else WriteScalar(writer, v);
        }
        writer.WriteEndObject();
    }

    private static void WriteScalar(Utf8JsonWriter writer, string v)
    {
        if (v.Length >= 2 && v[0] == '\'' && v[^1] == '\'')
        {
            writer.WriteStringValue(v[1..^1]);
            return;
        }
        if (TryJson(v, out var kind))
        {
            if (kind == JsonValueKind.String)
            {
                using var doc = JsonDocument.Parse(v);
                writer.WriteStringValue(doc.RootElement.GetString());
            }
            else writer.WriteRawValue(v);
            return;
        }
        writer.WriteStringValue(v.Length >= 2 && v[0] == '"' && v[^1] == '"' ? v[1..^1] : v);
    }

    private static bool TryJson(string text, out JsonValueKind kind)
    {
        kind = JsonValueKind.Undefined;
        if (text.Length == 0) return false;
        var c = text[0];
        if (!(c is '{' or '[' or '"' or '-' or 't' or 'f' or 'n' || char.IsAsciiDigit(c))) return false;
        try
        {
            using var doc = JsonDocument.Parse(text);
            kind = doc.RootElement.ValueKind;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string StripBrackets(string text)
    {
        var s = text.AsSpan().Trim();
        if (s.Length > 0 && s[0] is '(' or '{') s = s[1..];
        while (s.Length > 0 && s[^1] is ')' or '}' or ']') s = s[..^1];
        return s.ToString();
    }

    /// <summary>
    /// Splits <c>k: v, k2 = v2</c> at top-level commas that start another <c>key:</c>, so commas inside
    /// values (paths, prose) survive. Returns no pairs for a lone scalar.
    /// </summary>
    private static List<(string Key, string Value)> SplitPairs(string inner)
    {
        var result = new List<(string, string)>();
        var start = 0;
        var depth = 0;
        var quote = '\0';
        for (var i = 0; i <= inner.Length; i++)
        {
            if (i < inner.Length)
            {
                var c = inner[i];
                if (quote != '\0')
                {
                    if (c == '\\') i++;
                    else if (c == quote) quote = '\0';
                    continue;
                }
                if (c is '"' or '\'') quote = c;
                else if (c is '{' or '[' or '(') depth++;
                else if (c is '}' or ']' or ')') depth--;
                if (!(c == ',' && depth <= 0 && StartsWithKey(inner, i + 1))) continue;
            }
            if (SplitPair(inner.AsSpan(start, i - start)) is { } pair) result.Add(pair);
            else if (result.Count > 0) return result; // trailing junk after real pairs
            else return [];
            start = i + 1;
        }
        return result;
    }

    private static (string, string)? SplitPair(ReadOnlySpan<char> part)
    {
        var sep = part.IndexOfAny(':', '=');
        if (sep <= 0) return null;
        var key = part[..sep].Trim().Trim('"').Trim('\'').Trim();
        if (key.Length == 0) return null;
        foreach (var ch in key)
            if (!(LooseCallParser.IsWordChar(ch) || ch is '-' or '.' or '$')) return null;
        return (key.ToString(), part[(sep + 1)..].ToString());
    }

    private static bool StartsWithKey(string s, int at)
    {
        while (at < s.Length && char.IsWhiteSpace(s[at])) at++;
        if (at < s.Length && s[at] is '"' or '\'') at++;
        var begin = at;
        while (at < s.Length && (LooseCallParser.IsWordChar(s[at]) || s[at] is '-' or '.')) at++;
        if (at == begin) return false;
        if (at < s.Length && s[at] is '"' or '\'') at++;
        while (at < s.Length && char.IsWhiteSpace(s[at])) at++;
        return at < s.Length && s[at] is ':' or '=';
    }
}
