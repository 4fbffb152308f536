namespace Mix2Api.Streams.Protocol;

/// <summary>
/// The UI frames one network read completed, in order: the graph's element between decoding and the
/// chat turn, so per-element costs are paid per read, not per token.
/// </summary>
public sealed class UiFrameBatch(List<UiFrame> frames)
{
    /// <summary>An element that carries no frames (the upstream answered; nothing completed yet).</summary>
    public static readonly UiFrameBatch Empty = new([]);

    public IReadOnlyList<UiFrame> Frames => frames;

    public int Count => frames.Count;

    public UiFrame this[int index] => frames[index];
}
