namespace Mix2Api.Streams.Tools;

/// <summary>The request's <c>tool_choice</c> (or legacy <c>function_call</c>), all four enforced.</summary>
public enum ToolChoiceKind
{
    Auto,
    /// <summary>No instruction and no parsing: the transform is a pass-through.</summary>
    None,
    /// <summary>The instruction demands a call.</summary>
    Required,
    /// <summary>The instruction demands a call of one named function; only it is emitted.</summary>
    Named,
}
