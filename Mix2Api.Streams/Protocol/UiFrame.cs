namespace Mix2Api.Streams.Protocol;

/// <summary>
/// One parsed upstream frame. A struct with only the fields the graph uses, so a frame costs its
/// strings and nothing else (and a plain text delta not even a string: see <see cref="UiFrameBatch"/>).
/// </summary>
public readonly record struct UiFrame(UiFrameType Type)
{
    /// <summary>
    /// text-delta / reasoning-delta text, or the error text of an error frame. Null for a text delta the decoding
    /// stage put into its batch's text instead (<see cref="UiFrameBatch.TextOf"/> reads either).
    /// </summary>
    public string? Text { get; init; }

    /// <summary>Where the text lies in its batch's text when <see cref="Text"/> is null (<see cref="UiFrameBatch.TextOf"/>).</summary>
    internal int BatchTextStart { get; init; }
    internal int BatchTextLength { get; init; }
    public string? SessionId { get; init; }
    public string? ExchangeId { get; init; }
    public string? MessageId { get; init; }
    public UsageFigures? Usage { get; init; }
    /// <summary><c>finishReason</c> of a finish frame (e.g. <c>length</c>), when sent.</summary>
    public string? FinishReason { get; init; }

    public static readonly UiFrame Done = new(UiFrameType.Done);
    public static readonly UiFrame Malformed = new(UiFrameType.Malformed);
}
