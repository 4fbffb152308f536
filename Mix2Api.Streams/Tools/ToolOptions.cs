namespace Mix2Api.Streams.Tools;

/// <summary>
/// Tool-emulation settings. The host binds them from configuration; the comments name the Node
/// adapter's environment variable each one maps to, so existing deployments keep their values.
/// </summary>
public sealed record ToolOptions
{
    public static readonly ToolOptions Default = new();

    /// <summary>Maps to <c>TOOL_INSTRUCTION_MODE</c> (<c>query|system|both|none</c>, <c>messages</c> = <c>system</c>); default <c>query</c>.</summary>
    public ToolInstructionMode InstructionMode { get; init; } = ToolInstructionMode.Query;

    /// <summary>Maps to <c>TOOL_INSTRUCTION_MAX_CHARS</c>; default 12000. The instruction drops detail to fit.</summary>
    public int InstructionMaxChars { get; init; } = 12000;

    /// <summary>Maps to <c>TOOL_DESC_MAX_CHARS</c>; default 500 (cap per tool description in the instruction).</summary>
    public int DescriptionMaxChars { get; init; } = 500;

    /// <summary>Maps to <c>FORCE_TOOL_CALL</c> (only the exact value <c>1</c> enables it); default off.</summary>
    public bool ForceToolCall { get; init; }

    /// <summary>Maps to <c>TOOL_RESULT_MAX_CHARS</c>; default 20000 (per tool result in the query).</summary>
    public int ToolResultMaxChars { get; init; } = 20000;

    /// <summary>
    /// Parses a <c>TOOL_INSTRUCTION_MODE</c> value (case-insensitive, trimmed). Empty means the default.
    /// Unknown values return false so the host can refuse to start with a clear message.
    /// </summary>
    public static bool TryParseInstructionMode(string? value, out ToolInstructionMode mode)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case null or "" or "query": mode = ToolInstructionMode.Query; return true;
            case "system" or "messages": mode = ToolInstructionMode.System; return true;
            case "both": mode = ToolInstructionMode.Both; return true;
            case "none": mode = ToolInstructionMode.None; return true;
            default: mode = ToolInstructionMode.Query; return false;
        }
    }

    /// <summary><c>FORCE_TOOL_CALL</c> is on only for the exact value <c>1</c>, like the Node adapter.</summary>
    public static bool ParseForceToolCall(string? value) => value == "1";
}
