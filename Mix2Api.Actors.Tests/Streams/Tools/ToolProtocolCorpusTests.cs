namespace Mix2Api.Tests.Streams.Tools;

/// <summary>
/// Every corpus output, pushed whole and then split at random points (single chars, inside escapes
/// and surrogate pairs, every two-piece cut for short inputs): the client-visible result never changes.
/// </summary>
public class ToolProtocolCorpusTests
{
    [Fact]
    public void Corpus_has_at_least_200_model_outputs()
        => Assert.True(ToolCorpus.Entries.Count >= 200, $"corpus has {ToolCorpus.Entries.Count} entries");

    [Theory]
    [MemberData(nameof(Ids))]
    public void Whole_output_gives_the_expected_content_and_calls(string id)
    {
        var entry = ToolCorpus.Entries[id];
        var (sink, transform) = ToolCorpus.Run(entry, [(0, entry.Input.Length)]);
        Assert.Equal(ToolCorpus.Expected(entry), sink.Describe());
        Assert.Equal(entry.EndedMidCall, transform.EndedMidCall);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Splitting_the_output_anywhere_never_changes_the_result(string id)
    {
        var entry = ToolCorpus.Entries[id];
        var expected = ToolCorpus.Expected(entry);
        var input = entry.Input;

        Assert.Equal(expected, ToolCorpus.Run(entry, Singles(input.Length)).Sink.Describe());

        // Cuts right after every backslash and high surrogate: inside escapes and surrogate pairs.
        for (var i = 0; i < input.Length - 1; i++)
        {
            if (input[i] != '\\' && !char.IsHighSurrogate(input[i])) continue;
            Assert.Equal(expected, ToolCorpus.Run(entry, [(0, i + 1), (i + 1, input.Length - i - 1)]).Sink.Describe());
        }

        if (input.Length <= 400)
            for (var cut = 1; cut < input.Length; cut++)
                Assert.Equal(expected, ToolCorpus.Run(entry, [(0, cut), (cut, input.Length - cut)]).Sink.Describe());

        var random = new Random(StableSeed(id));
        for (var run = 0; run < 40; run++)
            Assert.Equal(expected, ToolCorpus.Run(entry, RandomPieces(input.Length, random)).Sink.Describe());
    }

    public static IEnumerable<object[]> Ids() => ToolCorpus.Ids();

    private static IEnumerable<(int, int)> Singles(int length)
    {
        for (var i = 0; i < length; i++) yield return (i, 1);
    }

    private static List<(int, int)> RandomPieces(int length, Random random)
    {
        var pieces = new List<(int, int)>();
        var maxPiece = random.Next(1, 12);
        for (var at = 0; at < length;)
        {
            var n = Math.Min(length - at, random.Next(0, maxPiece + 1)); // empty pushes too
            pieces.Add((at, n));
            at += n;
        }
        return pieces;
    }

    private static int StableSeed(string id)
    {
        var h = 17;
        foreach (var c in id) h = unchecked(h * 31 + c);
        return h;
    }
}
