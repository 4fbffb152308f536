namespace Mix2Api.Bench;

/// <summary>What a content chunk looks like on a given wire.</summary>
public enum Wire
{
    /// <summary>OpenAI chat completion chunks from the broker: a data line with a non-empty <c>"content":"…"</c>.</summary>
    OpenAi,

    /// <summary>The upstream UI message stream straight from the simulator: a <c>text-delta</c> data line.</summary>
    UiStream,
}

/// <summary>One side of a comparison: where to POST, which body, and how to spot a content chunk in the reply.</summary>
public sealed record Target(string Name, Uri Url, byte[] Body, Wire Wire);
