using CsCheck;
using Mix2Api.Streams.Output;
using Mix2Api.Tests.Streams.Tools;

namespace Mix2Api.Tests.Streams;

/// <summary>Stop sequences cut the text at their first match, wherever the deltas split it, and never touch tool-call JSON.</summary>
public sealed class StopSequenceSinkTests
{
    private static readonly string CallId = "call_" + new string('a', 24);

    [Fact]
    public void The_text_ends_before_the_first_match_however_the_deltas_split_it()
    {
        var text = Gen.Char["ab\n"].Array[0, 40].Select(c => new string(c));
        var stops = Gen.Char["ab\n"].Array[1, 4].Select(c => new string(c)).Array[1, 3];
        Gen.Select(text, stops, Gen.Int[1, 7].Array[1, 40]).Sample((answer, sequences, cuts) =>
        {
            var client = new RecordingSink();
            var sink = new StopSequenceSink(client, sequences);
            var at = 0;
            for (var i = 0; at < answer.Length; i++)
            {
                var n = Math.Min(cuts[i % cuts.Length], answer.Length - at);
                sink.Content(answer.AsSpan(at, n));
                at += n;
            }
            sink.Flush();

            // The first sequence the text completes (the longer one when two end together) is the one generation stops at.
            var first = sequences.Select(s => (Start: answer.IndexOf(s, StringComparison.Ordinal), Stop: s)).Where(m => m.Start >= 0)
                .OrderBy(m => m.Start + m.Stop.Length).ThenBy(m => m.Start).FirstOrDefault();
            if (first.Stop is null)
            {
                Assert.Null(sink.Matched);
                Assert.Equal(answer, client.Text);
                return;
            }
            Assert.Equal(answer[..first.Start], client.Text);
            Assert.Equal(first.Stop, sink.Matched);
        }, iter: 2000, print: t => $"answer={System.Text.Json.JsonSerializer.Serialize(t.Item1)} stops={System.Text.Json.JsonSerializer.Serialize(t.Item2)} cuts={string.Join(",", t.Item3)}");
    }

    [Fact]
    public void A_sequence_inside_tool_call_arguments_is_not_a_match_and_held_text_goes_out_before_the_call()
    {
        var client = new RecordingSink();
        var sink = new StopSequenceSink(client, ["END"]);
        sink.Content("Reading E");
        sink.ToolCallStart(0, CallId, "read_file");
        sink.ToolCallArguments(0, "{\"path\":\"EN");
        sink.ToolCallArguments(0, "D\"}");
        sink.Flush();

        Assert.Null(sink.Matched);
        Assert.Equal("Reading E", client.Text);
        Assert.Equal("{\"path\":\"END\"}", Assert.Single(client.Calls).Arguments.ToString());
        Assert.Equal(1, sink.ToolCallsPassed);
    }

    [Fact]
    public void After_a_match_the_rest_of_the_answer_calls_included_is_dropped()
    {
        var client = new RecordingSink();
        var sink = new StopSequenceSink(client, ["##", "END"]);
        sink.Content("one EN");
        sink.Content("D two ## three");
        sink.ToolCallStart(0, CallId, "read_file");
        sink.ToolCallArguments(0, "{}");
        sink.Content("more");
        sink.Flush();

        Assert.Equal("END", sink.Matched);
        Assert.Equal("one ", client.Text);
        Assert.Empty(client.Calls);
        Assert.Equal(0, sink.ToolCallsPassed);
    }

    [Fact]
    public void A_sequence_split_across_three_deltas_is_held_back_until_it_completes()
    {
        var client = new RecordingSink();
        var sink = new StopSequenceSink(client, ["END"]);

        sink.Content("one E");
        Assert.Equal("one ", client.Text);
        sink.Content("N");
        Assert.Equal("one ", client.Text);
        sink.Content("D two");
        sink.Flush();

        Assert.Equal("END", sink.Matched);
        Assert.Equal("one ", client.Text);
        Assert.Equal(1, client.ContentDeltas);
    }

    [Theory]
    [InlineData("a|a|a|b", "a")]
    [InlineData("aa|ab", "a")]
    [InlineData("x|aaa|b tail", "xa")]
    [InlineData("aaa|c", null)]
    [InlineData("a|a|a|a|c|aab", "aaaac")]
    public void A_sequence_that_overlaps_its_own_start_is_found_after_a_false_start(string deltas, string? before)
    {
        var client = new RecordingSink();
        var sink = new StopSequenceSink(client, ["aab"]);

        foreach (var delta in deltas.Split('|')) sink.Content(delta);
        sink.Flush();

        Assert.Equal(before is null ? null : "aab", sink.Matched);
        Assert.Equal(before ?? deltas.Replace("|", "", StringComparison.Ordinal), client.Text);
    }

    [Fact]
    public void Text_held_back_goes_out_with_the_next_delta_as_one_delta()
    {
        var client = new RecordingSink();
        var sink = new StopSequenceSink(client, ["END"]);

        sink.Content("say E");
        sink.Content("NOUGH said");
        sink.Flush();

        Assert.Null(sink.Matched);
        Assert.Equal("say ENOUGH said", client.Text);
        Assert.Equal(2, client.ContentDeltas);
    }

    [Fact]
    public void A_delta_larger_than_the_sequences_after_held_text_is_searched_whole()
    {
        var client = new RecordingSink();
        var sink = new StopSequenceSink(client, ["END"]);
        var large = new string('x', 10_000);

        sink.Content("E");
        sink.Content(large + "END" + large);

        Assert.Equal("END", sink.Matched);
        Assert.Equal("E" + large, client.Text);
    }

    [Fact]
    public void Scanning_the_deltas_allocates_nothing_per_delta()
    {
        var client = new CountingSink();
        var sink = new StopSequenceSink(client, ["END", "</stop>"]);
        // Every other delta ends in what could start a sequence, so half of them are joined to the held text.
        for (var i = 0; i < 100; i++) Send();
        var before = GC.GetAllocatedBytesForCurrentThread();

        for (var i = 0; i < 10_000; i++) Send();

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        sink.Flush();
        Assert.Null(sink.Matched);
        Assert.Equal(10_100 * "some text E</Nd more ".Length, client.Characters);
        Assert.True(allocated < 10_000, $"{allocated} bytes allocated for 20,000 deltas");

        void Send()
        {
            sink.Content("some text E</");
            sink.Content("Nd more ");
        }
    }

    /// <summary>Counts the text without keeping it, so the sink's own allocations are all there is to measure.</summary>
    private sealed class CountingSink : IChatSink
    {
        public int Characters { get; private set; }

        public void Content(ReadOnlySpan<char> text) => Characters += text.Length;

        public void Reasoning(ReadOnlySpan<char> text) => throw new InvalidOperationException("no reasoning here");

        public void ToolCallStart(int index, string id, string name) => throw new InvalidOperationException("no calls here");

        public void ToolCallArguments(int index, ReadOnlySpan<char> fragment) => throw new InvalidOperationException("no calls here");
    }

    [Fact]
    public void Empty_sequences_are_ignored()
    {
        var client = new RecordingSink();
        var sink = new StopSequenceSink(client, ["", ""]);
        Assert.False(sink.HasSequences);
        sink.Content("all of it");
        Assert.Null(sink.Matched);
        Assert.Equal("all of it", client.Text);
    }
}
