namespace Mix2Api.Streams.Output;

/// <summary>The OpenAI error envelope's content: <c>{"error":{"message","type","code","param"}}</c>.</summary>
public sealed record ErrorBody(string Message, string Type, string? Code, string? Param = null);
