namespace Mix2Api.Streams.Protocol;

/// <summary>
/// The guard both request parsers (OpenAI Chat Completions, Anthropic Messages) run their body through. JSON text is
/// UTF-8 and its escapes must make text: bytes that are not UTF-8, or a lone surrogate escape (which System.Text.Json
/// only rejects when the string is read), are invalid JSON, never a crash later in the parser.
/// </summary>
public static class JsonRequestBody
{
    public delegate bool Parser(ReadOnlyMemory<byte> body, out ChatRequest? request, out RequestError? error);

    public static bool TryParse(ReadOnlyMemory<byte> body, Parser parse, out ChatRequest? request, out RequestError? error)
    {
        try
        {
            if (System.Text.Unicode.Utf8.IsValid(body.Span)) return parse(body, out request, out error);
        }
        catch (InvalidOperationException)
        {
        }
        request = null;
        error = new RequestError("invalid_json", null, "Invalid JSON body");
        return false;
    }
}
