namespace Mix2Api.Host.Gate;

/// <summary>
/// What the gate asks. A real model gets plain instructions; the built-in simulator (the node's <c>/health</c> says
/// <c>upstream.mode: simulator</c>) gets the directives that make it behave the same way (docs/SIMULATOR.md).
/// </summary>
public sealed record GatePrompts(string Short, string ToolCall, string Long)
{
    public static readonly GatePrompts Real = new(
        "Reply with the single word: pong.",
        "Call the get_weather tool for the city Paris. Do not answer in prose.",
        "Count from 1 to 400, one number per line, nothing else.");

    public static readonly GatePrompts Simulator = new(
        "[[sim:short text=pong]] Reply with the single word: pong.",
        """[[sim:tool name=get_weather args={"city":"Paris"}]] Call the get_weather tool for the city Paris.""",
        "[[sim:long chunks=400 delay_ms=20]] Count from 1 to 400.");
}
