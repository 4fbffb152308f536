using System.Text.Json;

namespace Mix2Api.Streams.Tools;

/// <summary>
/// Parses an envelope the streaming path held whole because it is not plain JSON-with-object
/// arguments: strict JSON with string-wrapped calls, and the loose pseudo-JSON of digest §4.4
/// step 3 (<c>{tool_call: (name: read, arguments: (filePath:/x}}</c>). Rare, so it runs once on
/// the held text. Unlike the Node adapter, each call's search window ends at the next call, so
/// one call never reads another's fields.
/// </summary>
internal static class LooseCallParser
{
    public sealed record Call(string Name, string Arguments);

    public static (List<Call> Calls, string? Final) Parse(string text)
    {
        var calls = new List<Call>();
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length > 0 && trimmed[0] == '{' && TryParseJson(trimmed, calls, out var final))
            return (calls, final);
        calls.Clear();
        ParsePseudo(text, calls);
        string? pseudoFinal = null;
        if (calls.Count == 0 && FindKey(text, 0, "final") is var at and >= 0 && at < text.Length && text[at] is '"' or '\'')
            pseudoFinal = ReadScalar(text, at).Value;
        return (calls, pseudoFinal);
    }

    private static bool TryParseJson(ReadOnlySpan<char> text, List<Call> calls, out string? final)
    {
        final = null;
        try
        {
            using var doc = JsonDocument.Parse(text.ToString());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return false;
            if (root.TryGetProperty("tool_call", out var one)) AddCall(one, calls);
            if (root.TryGetProperty("tool_calls", out var many) && many.ValueKind == JsonValueKind.Array)
                foreach (var c in many.EnumerateArray()) AddCall(c, calls);
            if (root.TryGetProperty("name", out _)) AddCall(root, calls);
            if (root.TryGetProperty("final", out var f) && f.ValueKind == JsonValueKind.String) final = f.GetString();
            return calls.Count > 0 || final is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void AddCall(JsonElement call, List<Call> calls)
    {
        if (call.ValueKind == JsonValueKind.String)
        {
            // A call written as a JSON string holding JSON.
            try
            {
                using var inner = JsonDocument.Parse(call.GetString()!);
                AddCall(inner.RootElement, calls);
            }
            catch (JsonException) { }
            return;
        }
        if (call.ValueKind != JsonValueKind.Object) return;
        var fn = call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : call;
        if (!fn.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String || n.GetString() is not { Length: > 0 } name)
            return;
        var args = "{}";
        if (fn.TryGetProperty("arguments", out var a) || fn.TryGetProperty("parameters", out a))
        {
            args = a.ValueKind switch
            {
                JsonValueKind.String => a.GetString()!.Length > 0 ? a.GetString()! : "{}",
                JsonValueKind.Null => "{}",
                _ => a.GetRawText(),
            };
        }
        calls.Add(new Call(name, args));
    }

    private static void ParsePseudo(string text, List<Call> calls)
    {
        var pos = FindMarkerEnd(text, 0);
        if (pos < 0) return;
        while (pos < text.Length)
        {
            var nameAt = FindKey(text, pos, "name");
            if (nameAt < 0) break;
            var (name, afterName) = ReadScalar(text, nameAt);
            pos = Math.Max(afterName, nameAt);
            if (name.Length == 0) continue;

            var nextName = FindKey(text, pos, "name");
            var argsAt = FindKey(text, pos, "arguments");
            if (argsAt < 0) argsAt = FindKey(text, pos, "parameters");
            var args = "{}";
            if (argsAt >= 0 && (nextName < 0 || argsAt < nextName))
            {
                var end = ReadValueEnd(text, argsAt);
                args = PseudoJson.ToJsonObject(text.AsSpan(argsAt, end - argsAt));
                pos = end;
            }
            calls.Add(new Call(name, args));
        }
    }

    /// <summary>End of the first <c>tool_call(s)</c> marker followed by <c>:</c> or <c>=</c>, or -1.</summary>
    private static int FindMarkerEnd(string text, int from)
    {
        for (var i = text.IndexOf("tool_call", from, StringComparison.OrdinalIgnoreCase); i >= 0;
             i = text.IndexOf("tool_call", i + 1, StringComparison.OrdinalIgnoreCase))
        {
            if (i > 0 && IsWordChar(text[i - 1])) continue;
            var j = i + 9;
            if (j < text.Length && (text[j] == 's' || text[j] == 'S')) j++;
            if (j < text.Length && text[j] is '"' or '\'') j++;
            while (j < text.Length && char.IsWhiteSpace(text[j])) j++;
            if (j < text.Length && text[j] is ':' or '=') return j + 1;
        }
        return -1;
    }

    /// <summary>Index just after <c>key\s*[:=]\s*</c> (key optionally quoted, whole word), or -1.</summary>
    private static int FindKey(string text, int from, string key)
    {
        for (var i = text.IndexOf(key, from, StringComparison.OrdinalIgnoreCase); i >= 0;
             i = text.IndexOf(key, i + 1, StringComparison.OrdinalIgnoreCase))
        {
            if (i > 0 && IsWordChar(text[i - 1])) continue;
            var j = i + key.Length;
            if (j < text.Length && IsWordChar(text[j])) continue;
            if (j < text.Length && text[j] is '"' or '\'') j++;
            while (j < text.Length && char.IsWhiteSpace(text[j])) j++;
            if (j >= text.Length || text[j] is not (':' or '=')) continue;
            j++;
            while (j < text.Length && char.IsWhiteSpace(text[j])) j++;
            return j;
        }
        return -1;
    }

    /// <summary>A quoted string or a bare token ending at <c>, ) ] }</c> or whitespace.</summary>
    private static (string Value, int End) ReadScalar(string text, int at)
    {
        if (at >= text.Length) return ("", at);
        if (text[at] is '"' or '\'')
        {
            var q = text[at];
            var close = text.IndexOf(q, at + 1);
            if (close < 0) return ("", text.Length);
            return (text.Substring(at + 1, close - at - 1).Trim(), close + 1);
        }
        var end = at;
        while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] is not (',' or ')' or ']' or '}')) end++;
        return (text[at..end], end);
    }

    /// <summary>
    /// End of an argument value: a balanced <c>{…}</c>, <c>[…]</c> or <c>(…)</c> (a <c>(</c> group may
    /// close on <c>}</c>, as models write), or an unbracketed run up to <c>,</c>, newline or <c>}</c>.
    /// </summary>
    internal static int ReadValueEnd(string text, int at)
    {
        if (at >= text.Length) return at;
        if (text[at] is '{' or '[' or '(')
        {
            var depth = 0;
            var inString = false;
            for (var i = at; i < text.Length; i++)
            {
                var c = text[i];
                if (inString)
                {
                    if (c == '\\') i++;
                    else if (c == '"') inString = false;
                    continue;
                }
                if (c == '"') inString = true;
                else if (c is '{' or '[' or '(') depth++;
                else if (c is '}' or ']' or ')' && --depth == 0) return i + 1;
            }
            return text.Length;
        }
        var end = at;
        while (end < text.Length && text[end] is not (',' or '\n' or '}')) end++;
        return end;
    }

    internal static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
