namespace Mix2Api.Streams.Protocol;

/// <summary>
/// A tool call that an earlier assistant message made (history), with its arguments as the JSON
/// text the client sent. A legacy <c>function_call</c> has no id.
/// </summary>
public sealed record ChatToolCall(string? Id, string Name, string Arguments);
