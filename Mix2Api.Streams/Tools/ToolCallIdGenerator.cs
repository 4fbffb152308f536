namespace Mix2Api.Streams.Tools;

/// <summary>Client tool-call ids: <c>call_</c> + 24 random base62 chars, unique within one response.</summary>
internal sealed class ToolCallIdGenerator
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private readonly HashSet<string> _issued = new(StringComparer.Ordinal);

    public string Next()
    {
        while (true)
        {
            var id = string.Create(29, 0, static (span, _) =>
            {
                "call_".CopyTo(span);
                Random.Shared.GetItems(Alphabet.AsSpan(), span[5..]);
            });
            if (_issued.Add(id)) return id;
        }
    }
}
