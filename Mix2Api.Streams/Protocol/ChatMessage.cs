namespace Mix2Api.Streams.Protocol;

/// <summary>
/// One request message with its content flattened to text (text parts joined). Non-text parts are
/// rejected by the parser, never silently dropped.
/// </summary>
public sealed record ChatMessage(
    ChatRole Role,
    string Text,
    bool ContentWasNull,
    IReadOnlyList<ChatToolCall> ToolCalls,
    string? ToolCallId,
    string? Name)
{
    /// <summary>The role as the client wrote it (e.g. <c>developer</c>).</summary>
    public string RoleName { get; init; } = Role.ToString().ToLowerInvariant();
}
