using System.Text;
using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Supervision;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Streams;

/// <summary>A non-SSE JSON reply goes through the same graph; errors in any shape never become content.</summary>
public class JsonReplyAdapterTests
{
    private static async Task<(ExitDecision Decision, Mix2Api.Streams.Graph.StreamOutcome Outcome, string Output)> RunAsync(string json)
        => await new GraphRun().RunAsync(new MemoryStream(JsonReplyAdapter.ToUiStream(Encoding.UTF8.GetBytes(json))));

    [Theory]
    [InlineData("""{"content":"答案","messageMetadata":{"sessionId":"s1"}}""")]
    [InlineData("""{"text":"答案","metadata":{"session_id":"s1"}}""")]
    [InlineData("""{"parts":[{"type":"text","text":"答"},{"type":"reasoning","text":"x"},{"type":"text","text":"案"}],"messageMetadata":{"sessionId":"s1"}}""")]
    public async Task Text_replies_become_one_completed_answer(string json)
    {
        var (decision, outcome, output) = await RunAsync(json);
        var t = ClientTranscript.Parse(output);
        Assert.Equal(StreamExit.Completed, decision.Exit);
        Assert.Equal("答案", t.Content);
        Assert.Equal("s1", outcome.SessionId);
    }

    [Theory]
    [InlineData("""{"error":"quota exhausted"}""", "quota exhausted")]
    [InlineData("""{"error":{"message":"quota exhausted"}}""", "quota exhausted")]
    [InlineData("""{"errorText":"quota exhausted"}""", "quota exhausted")]
    [InlineData("""{"parts":[{"type":"error","errorText":"quota exhausted"}]}""", "quota exhausted")]
    [InlineData("""{"ok":true}""", "upstream reply carried no text")]
    [InlineData("""[1]""", "upstream reply is not a JSON object")]
    [InlineData("""<html>""", "upstream reply is not valid JSON")]
    public async Task Error_shapes_and_textless_replies_are_upstream_errors_never_content(string json, string detail)
    {
        var (decision, _, output) = await RunAsync(json);
        Assert.Equal(StreamExit.UpstreamErrorFrame, decision.Exit);
        Assert.Equal(detail, decision.Detail);
        Assert.Equal("", output);
    }
}
