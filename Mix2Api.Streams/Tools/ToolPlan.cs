using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Tools;

/// <summary>
/// Everything a request decides about client tools (SPEC §3): the declared function tools, the
/// enforced choice, the instruction and where it goes, and the transform for the model's text.
/// Created once per request, after parsing and before anything touches the messages.
/// </summary>
public sealed class ToolPlan
{
    private ToolPlan(IReadOnlyList<ToolDefinition> tools, ToolChoiceKind choice, string? choiceName, bool parallel,
        bool legacy, bool trailingResults, bool forced, int ignoredTools, string? instruction, ToolInstructionMode placement)
    {
        Tools = tools;
        Choice = choice;
        ChoiceName = choiceName;
        ParallelToolCalls = parallel;
        Legacy = legacy;
        HasTrailingToolResults = trailingResults;
        Forced = forced;
        IgnoredToolCount = ignoredTools;
        Instruction = instruction;
        Placement = placement;
    }

    /// <summary>Declared function tools in request order (legacy functions included); never mcp/unknown types.</summary>
    public IReadOnlyList<ToolDefinition> Tools { get; }
    public ToolChoiceKind Choice { get; }
    /// <summary>The function a named choice demands.</summary>
    public string? ChoiceName { get; }
    /// <summary><c>parallel_tool_calls</c> (default true; false for legacy callers, who can take one call only).</summary>
    public bool ParallelToolCalls { get; }
    /// <summary>The request used <c>functions</c>: answer with <c>function_call</c> / <c>finish_reason:"function_call"</c>.</summary>
    public bool Legacy { get; }
    /// <summary>The messages end with tool (or function) results: a tool-loop turn.</summary>
    public bool HasTrailingToolResults { get; }
    /// <summary>The instruction demands a call (required, named, or <c>FORCE_TOOL_CALL</c> without trailing results).</summary>
    public bool Forced { get; }
    /// <summary>Tools skipped as non-function (<c>mcp</c>, unknown types) or nameless; for logging.</summary>
    public int IgnoredToolCount { get; }

    /// <summary>Function tools are declared and <c>tool_choice</c> is not <c>none</c>: instruct and parse.</summary>
    public bool Active => Tools.Count > 0 && Choice != ToolChoiceKind.None;

    /// <summary>The instruction text, or null when inactive.</summary>
    public string? Instruction { get; }

    /// <summary>Where the composer puts <see cref="Instruction"/>; <see cref="ToolInstructionMode.None"/> when inactive.</summary>
    public ToolInstructionMode Placement { get; }

    public bool InstructionInQuery => Instruction is not null && Placement is ToolInstructionMode.Query or ToolInstructionMode.Both;
    public bool InstructionInSystem => Instruction is not null && Placement is ToolInstructionMode.System or ToolInstructionMode.Both;

    /// <summary>Names the transform may emit: every declared tool, or only the named choice.</summary>
    public IReadOnlyCollection<string> CallableNames
        => Choice == ToolChoiceKind.Named && ChoiceName is not null ? [ChoiceName] : Tools.Select(t => t.Name).ToArray();

    /// <summary>A fresh transform for this request's model text (a pass-through when inactive).</summary>
    public IToolTransform CreateTransform()
        => Active ? new ToolProtocolTransform(CallableNames, ParallelToolCalls) : PassThroughTransform.Instance;

    public static bool TryCreate(ChatRequest request, ToolOptions options, out ToolPlan? plan, out RequestError? error)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        plan = null;
        error = ToolBackfillValidator.Validate(request.Messages);
        if (error is not null) return false;

        var tools = ToolRequestNormalizer.FunctionTools(request, out var ignored);
        var (choice, name, param) = ToolRequestNormalizer.Choice(request);
        if (choice == ToolChoiceKind.Named && !tools.Exists(t => t.Name == name))
        {
            error = RequestError.Invalid(param,
                $"Invalid request: {param} names function '{name}', which is not declared among the request's function tools");
            return false;
        }

        var legacy = request.UsesLegacyFunctions;
        var parallel = !legacy && (request.ParallelToolCalls ?? true);
        var trailing = ToolBackfillValidator.TrailingResultsStart(request.Messages) < request.Messages.Count;
        var forced = choice is ToolChoiceKind.Required or ToolChoiceKind.Named || (options.ForceToolCall && !trailing);
        var active = tools.Count > 0 && choice != ToolChoiceKind.None;

        string? instruction = null;
        var placement = ToolInstructionMode.None;
        if (active && options.InstructionMode != ToolInstructionMode.None)
        {
            instruction = ToolInstructionBuilder.Build(tools, choice, name, forced, parallel, options);
            placement = options.InstructionMode;
        }

        plan = new ToolPlan(tools, choice, name, parallel, legacy, trailing, forced, ignored, instruction, placement);
        return true;
    }
}
