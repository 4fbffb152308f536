using Mix2Api.Streams.Tools;

namespace Mix2Api.Tests.Streams.Tools;

/// <summary>What the client sees while the model is still generating: nothing waits for the end.</summary>
public class ToolProtocolTransformTests
{
    private static readonly string[] Tools = ["read_file", "write_file", "bash"];

    private static (ToolProtocolTransform T, RecordingSink S) Create(bool parallel = true)
        => (new ToolProtocolTransform(Tools, parallel), new RecordingSink());

    [Fact]
    public void Prose_is_streamed_before_the_generation_ends()
    {
        var (t, s) = Create();
        t.Push("Hello wor", s);
        Assert.Equal("Hello wor", s.Text);
        t.Push("ld ", s);
        Assert.Equal("Hello world", s.Text); // only trailing whitespace waits for the next visible char
        t.Push(", this is 中文", s);
        Assert.Equal("Hello world , this is 中文", s.Text);
    }

    [Fact]
    public void A_brace_is_held_only_until_the_next_char_shows_it_is_not_an_envelope()
    {
        var (t, s) = Create();
        t.Push("Set {", s);
        Assert.Equal("Set", s.Text);
        t.Push("1, 2}", s);
        Assert.Equal("Set {1, 2}", s.Text);
    }

    [Fact]
    public void Final_text_is_decoded_and_streamed_as_it_arrives()
    {
        var (t, s) = Create();
        t.Push("{\"final\":\"Line one\\nLi", s);
        Assert.Equal("Line one\nLi", s.Text);
        t.Push("ne two \\ud83d", s);
        Assert.Equal("Line one\nLine two", s.Text); // the half surrogate pair waits for its other half
        t.Push("\\ude00\"}", s);
        t.Complete(s);
        Assert.Equal("Line one\nLine two 😀", s.Text);
    }

    [Fact]
    public void Tool_call_name_is_sent_when_complete_and_arguments_stream_as_raw_fragments()
    {
        var (t, s) = Create();
        t.Push("{\"tool_call\":{\"name\":\"read_fi", s);
        Assert.Empty(s.Calls);
        t.Push("le\",\"arguments\":{\"path\":\"/a", s);
        var call = Assert.Single(s.Calls);
        Assert.Equal("read_file", call.Name);
        Assert.Equal("{\"path\":\"/a", call.Arguments.ToString());
        t.Push("b\", \"x\": \"\\u4e2d\"}}}", s);
        t.Complete(s);
        Assert.Equal("{\"path\":\"/ab\", \"x\": \"\\u4e2d\"}", call.Arguments.ToString()); // escapes untouched
        Assert.Equal(1, t.ToolCallCount);
        Assert.False(t.EndedMidCall);
        Assert.Equal("", s.Text);
    }

    [Fact]
    public void Arguments_before_the_name_are_held_until_the_name_is_known()
    {
        var (t, s) = Create();
        t.Push("{\"tool_call\":{\"arguments\":{\"cmd\":\"ls\"},", s);
        Assert.Empty(s.Calls);
        t.Push("\"name\":\"bash\"}}", s);
        t.Complete(s);
        Assert.Equal("{\"cmd\":\"ls\"}", Assert.Single(s.Calls).Arguments.ToString());
    }

    [Fact]
    public void String_arguments_that_look_like_json_are_never_reparsed()
    {
        var (t, s) = Create();
        t.Push("{\"tool_call\":{\"name\":\"write_file\",\"arguments\":{\"content\":\"{\\\"a\\\":1}\"}}}", s);
        t.Complete(s);
        Assert.Equal("{\"content\":\"{\\\"a\\\":1}\"}", Assert.Single(s.Calls).Arguments.ToString());
    }

    [Fact]
    public void Each_call_gets_a_unique_call_id_with_24_base62_chars()
    {
        var (t, s) = Create();
        var calls = string.Join(",", Enumerable.Range(0, 50).Select(i => $"{{\"name\":\"bash\",\"arguments\":{{\"i\":{i}}}}}"));
        t.Push("{\"tool_calls\":[" + calls + "]}", s);
        t.Complete(s);
        Assert.Equal(50, s.Calls.Count);
        Assert.Equal(50, s.Calls.Select(c => c.Id).Distinct().Count());
        Assert.All(s.Calls, c => Assert.Matches("^call_[0-9A-Za-z]{24}$", c.Id));
    }

    [Fact]
    public void Parallel_false_emits_only_the_first_call_and_counts_the_rest_as_rejected()
    {
        var (t, s) = Create(parallel: false);
        t.Push("{\"tool_calls\":[{\"name\":\"bash\",\"arguments\":{}},{\"name\":\"bash\",\"arguments\":{}}]}", s);
        t.Complete(s);
        Assert.Single(s.Calls);
        Assert.Equal(1, t.RejectedCallCount);
    }

    [Fact]
    public void Undeclared_call_alone_becomes_the_notice_and_never_leaks_the_protocol()
    {
        var (t, s) = Create();
        t.Push("{\"tool_call\":{\"name\":\"rm\",\"arguments\":{\"path\":\"/srv/secret.txt\"}}}", s);
        t.Complete(s);
        Assert.Empty(s.Calls);
        Assert.Equal(ToolProtocolTransform.MalformedNotice, s.Text);
        Assert.Equal(1, t.RejectedCallCount);
    }

    [Fact]
    public void Nameless_loose_call_after_prose_keeps_the_prose_and_hides_the_fragment()
    {
        var (t, s) = Create();
        t.Push("我看一下 {tool_call: (arguments: (filePath:/srv/secret.txt}}", s);
        t.Complete(s);
        Assert.Equal("我看一下", s.Text);
        Assert.DoesNotContain("secret", s.Text);
        Assert.Equal(1, t.MalformedCount);
    }

    [Fact]
    public void Generation_cut_inside_arguments_reports_ended_mid_call()
    {
        var (t, s) = Create();
        t.Push("{\"tool_call\":{\"name\":\"bash\",\"arguments\":{\"cmd\":\"l", s);
        t.Complete(s);
        Assert.True(t.EndedMidCall);
        Assert.Equal("{\"cmd\":\"l", Assert.Single(s.Calls).Arguments.ToString());
    }

    [Fact]
    public void Long_prose_with_many_braces_is_delivered_as_it_arrives_never_accumulated()
    {
        // A transform that re-scanned or held an ever-growing buffer would fall behind here; this one may hold
        // back only the few characters it still needs to classify (a brace, a fence, trailing whitespace).
        var (t, s) = Create();
        var piece = "word {x} `y` tool ```z``` ";
        var text = string.Concat(Enumerable.Repeat(piece, 20000));
        var maxHeld = 0;
        for (var i = 0; i < text.Length; i += 7)
        {
            var n = Math.Min(7, text.Length - i);
            t.Push(text.AsSpan(i, n), s);
            maxHeld = Math.Max(maxHeld, i + n - s.TextLength);
        }
        t.Complete(s);
        Assert.Equal(text.Trim(), s.Text);
        Assert.InRange(maxHeld, 0, piece.Length);
    }

    [Fact]
    public void Huge_arguments_stream_in_fragments_without_being_held()
    {
        var (t, s) = Create();
        t.Push("{\"tool_call\":{\"name\":\"write_file\",\"arguments\":{\"content\":\"", s);
        var chunk = new string('x', 1000);
        for (var i = 0; i < 200; i++)
        {
            t.Push(chunk, s);
            Assert.Equal("{\"content\":\"".Length + (i + 1) * chunk.Length, s.Calls[0].Arguments.Length);
        }
        t.Push("\"}}}", s);
        t.Complete(s);
        Assert.Equal("{\"content\":\"".Length + 200_000 + 2, s.Calls[0].Arguments.Length);
    }
}
