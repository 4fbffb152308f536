namespace Mix2Api.Streams.Upstream;

/// <summary>Size caps of what is sent upstream (digest §2.4–2.6 names in comments).</summary>
public sealed record QueryLimits
{
    /// <summary>QUERY_MAX_CHARS.</summary>
    public int QueryMaxChars { get; init; } = 30000;
    /// <summary>CONTEXT_MAX_CHARS: the [对话历史] section.</summary>
    public int ContextMaxChars { get; init; } = 20000;
    /// <summary>TOOL_RESULT_MAX_CHARS: each tool result.</summary>
    public int ToolResultMaxChars { get; init; } = 20000;
    /// <summary>UPSTREAM_MESSAGES_MAX: non-system messages in the upstream <c>messages</c>.</summary>
    public int MessagesMax { get; init; } = 20;
    /// <summary>UPSTREAM_MESSAGE_MAX_CHARS.</summary>
    public int MessageMaxChars { get; init; } = 8000;
}
