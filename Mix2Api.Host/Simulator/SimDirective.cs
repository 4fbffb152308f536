using System.Globalization;
using System.Text.Json;

namespace Mix2Api.Host.Simulator;

/// <summary>
/// A directive <c>[[sim:NAME key=value …]]</c> found in a prompt. Values are bare words, JSON strings
/// (<c>text="two words"</c>) or JSON objects/arrays (<c>args={"path":"a b"}</c>). Every key must be
/// consumed by the scenario, so a typo is reported rather than silently ignored.
/// </summary>
public sealed class SimDirective
{
    private const string Open = "[[sim:";
    private readonly Dictionary<string, string> _args;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private SimDirective(string name, Dictionary<string, string> args, string raw)
    {
        Name = name;
        _args = args;
        Raw = raw;
    }

    public string Name { get; }

    /// <summary>The directive text as written, <c>[[sim:…]]</c> included.</summary>
    public string Raw { get; }

    public IReadOnlyDictionary<string, string> Args => _args;

    /// <summary>Finds the last directive in <paramref name="text"/>; throws <see cref="SimDirectiveException"/> when it is malformed.</summary>
    public static SimDirective? Find(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var start = text.LastIndexOf(Open, StringComparison.Ordinal);
        return start < 0 ? null : Parse(text, start);
    }

    /// <summary>Removes every directive from a text (so echoes do not repeat it).</summary>
    public static string Strip(string text)
    {
        int start;
        while ((start = text.IndexOf(Open, StringComparison.Ordinal)) >= 0)
        {
            var end = text.IndexOf("]]", start + Open.Length, StringComparison.Ordinal);
            text = end < 0 ? text[..start] : text[..start] + text[(end + 2)..];
        }
        return text.Trim();
    }

    public bool Has(string key) => _args.ContainsKey(key);

    public string? String(string key)
    {
        _used.Add(key);
        return _args.TryGetValue(key, out var value) ? value : null;
    }

    public string String(string key, string fallback) => String(key) ?? fallback;

    public int Int(string key, int fallback, int min, int max)
    {
        var text = String(key);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw Error($"parameter '{key}' must be an integer from {min} to {max}, got '{text}'");
        return value;
    }

    public TimeSpan Millis(string key, TimeSpan fallback, int max = 3_600_000) =>
        Has(key) ? TimeSpan.FromMilliseconds(Int(key, 0, 0, max)) : fallback;

    public bool Bool(string key, bool fallback) => String(key)?.ToLowerInvariant() switch
    {
        null => fallback,
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        var other => throw Error($"parameter '{key}' must be true or false, got '{other}'"),
    };

    /// <summary>One of <paramref name="choices"/> (case-insensitive).</summary>
    public string Choice(string key, string fallback, params string[] choices)
    {
        var value = String(key);
        if (value is null) return fallback;
        foreach (var choice in choices)
        {
            if (string.Equals(choice, value, StringComparison.OrdinalIgnoreCase)) return choice;
        }
        throw Error($"parameter '{key}' must be one of {string.Join(", ", choices)}, got '{value}'");
    }

    /// <summary>A JSON object value, returned as compact JSON text.</summary>
    public string JsonObject(string key, string fallback)
    {
        var text = String(key);
        if (text is null) return fallback;
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Error($"parameter '{key}' must be a JSON object");
            return JsonSerializer.Serialize(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw Error($"parameter '{key}' is not valid JSON ({e.Message})");
        }
    }

    /// <summary>Rejects keys the scenario did not read (typos, parameters of another scenario).</summary>
    public void EnsureAllUsed()
    {
        foreach (var key in _args.Keys)
        {
            if (!_used.Contains(key)) throw Error($"unknown parameter '{key}'");
        }
    }

    public SimDirectiveException Error(string message) => new($"simulator directive {Raw}: {message}");

    public override string ToString() => Raw;

    private static SimDirective Parse(string text, int start)
    {
        var end = text.IndexOf("]]", start + Open.Length, StringComparison.Ordinal);
        var i = start + Open.Length;
        var nameStart = i;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '-' or '_')) i++;
        var name = text[nameStart..i].ToLowerInvariant();
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        var rawEnd = Math.Min(text.Length, end < 0 ? start + 60 : end + 2);
        var raw = text[start..rawEnd];
        if (name.Length == 0) throw new SimDirectiveException($"simulator directive {raw}: missing scenario name after '[[sim:'");
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i + 1 < text.Length && text[i] == ']' && text[i + 1] == ']') break;
            if (i >= text.Length) throw new SimDirectiveException($"simulator directive {raw}: missing closing ']]'");
            var keyStart = i;
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '-')) i++;
            var key = text[keyStart..i].ToLowerInvariant();
            if (key.Length == 0 || i >= text.Length || text[i] != '=')
                throw new SimDirectiveException($"simulator directive {raw}: expected key=value at '{Excerpt(text, keyStart)}'");
            i++;
            var value = ReadValue(text, ref i, raw);
            if (!args.TryAdd(key, value)) throw new SimDirectiveException($"simulator directive {raw}: parameter '{key}' given twice");
        }
        raw = text[start..(i + 2)];
        return new SimDirective(name, args, raw);
    }

    private static string ReadValue(string text, ref int i, string raw)
    {
        if (i >= text.Length) throw new SimDirectiveException($"simulator directive {raw}: missing value");
        var first = text[i];
        if (first is '"' or '{' or '[')
        {
            var end = JsonValueEnd(text, i) ?? throw new SimDirectiveException($"simulator directive {raw}: unterminated {(first == '"' ? "string" : "JSON value")}");
            var token = text[i..end];
            i = end;
            if (first != '"') return token;
            try { return JsonSerializer.Deserialize<string>(token)!; }
            catch (JsonException) { throw new SimDirectiveException($"simulator directive {raw}: bad string {token}"); }
        }
        var startValue = i;
        while (i < text.Length && !char.IsWhiteSpace(text[i]) && !(text[i] == ']' && i + 1 < text.Length && text[i + 1] == ']')) i++;
        return text[startValue..i];
    }

    // End index (exclusive) of the JSON string/object/array starting at start, honouring strings and escapes;
    // null when it never closes or closes with the wrong bracket.
    private static int? JsonValueEnd(string text, int start)
    {
        var closers = new Stack<char>();
        var inString = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"')
                {
                    inString = false;
                    if (closers.Count == 0) return i + 1;
                }
                continue;
            }
            switch (c)
            {
                case '"': inString = true; break;
                case '{': closers.Push('}'); break;
                case '[': closers.Push(']'); break;
                case '}' or ']':
                    if (closers.Count == 0 || closers.Pop() != c) return null;
                    if (closers.Count == 0) return i + 1;
                    break;
            }
        }
        return null;
    }

    private static string Excerpt(string text, int at) => text.Substring(at, Math.Min(20, text.Length - at));
}
