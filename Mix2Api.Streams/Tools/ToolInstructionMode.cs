namespace Mix2Api.Streams.Tools;

/// <summary>Where the tool instruction is placed (<c>TOOL_INSTRUCTION_MODE</c>).</summary>
public enum ToolInstructionMode
{
    /// <summary>Not injected; the reply is still parsed while tools are active.</summary>
    None,
    /// <summary>Appended to the upstream query (default: one copy, no double token cost).</summary>
    Query,
    /// <summary>Added to the system message (<c>system</c>, alias <c>messages</c>).</summary>
    System,
    /// <summary>Both places (the Node adapter's default; doubles the instruction's token cost).</summary>
    Both,
}
