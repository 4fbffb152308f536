namespace Mix2Api.Host.Simulator;

/// <summary>How the simulated model writes a tool-protocol envelope (SPEC §3.1, §3.2).</summary>
public enum ToolEnvelopeStyle
{
    /// <summary>The bare envelope: <c>{"tool_call":{…}}</c>.</summary>
    Plain,

    /// <summary>Inside a fenced block: <c>```json\n{…}\n```</c>.</summary>
    Fenced,

    /// <summary>A sentence of prose, then the envelope.</summary>
    Prose,
}
