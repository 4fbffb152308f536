using System.Text;
using Mix2Api.Streams.Tools;

namespace Mix2Api.Tests.Streams.Tools;

/// <summary>
/// Random protocol-flavoured garbage: the transform never throws, keeps the delta rules of
/// <see cref="RecordingSink"/>, and gives the same result however the text is split.
/// </summary>
public class ToolProtocolFuzzTests
{
    private static readonly string[] Atoms =
    [
        "{", "}", "[", "]", "(", ")", "\"", "'", ":", ",", "=", " ", "\n", "\\", "\\u", "\\ud83d", "\\ude00", "d83d", "`", "```",
        "```json\n", "tool_call", "tool_calls", "final", "name", "arguments", "read_file", "bash", "nope", "😀", "中文", "x", "1",
        "null", "{\"tool_call\":{\"name\":\"bash\",\"arguments\":", "{\"final\":\"", "{\"tool_calls\":[", "{tool_call: (name: bash",
    ];

    [Fact]
    public void Random_protocol_fragments_never_throw_and_are_split_invariant()
    {
        var random = new Random(20240611);
        for (var run = 0; run < 3000; run++)
        {
            var sb = new StringBuilder();
            var atoms = random.Next(1, 40);
            for (var i = 0; i < atoms; i++) sb.Append(Atoms[random.Next(Atoms.Length)]);
            var input = sb.ToString();

            var pieces = new List<int>();
            for (var left = input.Length; left > 0;)
            {
                var n = Math.Min(left, random.Next(1, 6));
                pieces.Add(n);
                left -= n;
            }
            try
            {
                var whole = Run(input, [input.Length], parallel: run % 2 == 0);
                Assert.Equal(whole, Run(input, pieces, parallel: run % 2 == 0));
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"input {System.Text.Json.JsonSerializer.Serialize(input)} pieces [{string.Join(",", pieces)}]", e);
            }
        }
    }

    private static string Run(string input, List<int> pieces, bool parallel)
    {
        var transform = new ToolProtocolTransform(["read_file", "bash"], parallel);
        var sink = new RecordingSink();
        var at = 0;
        foreach (var n in pieces)
        {
            transform.Push(input.AsSpan(at, n), sink);
            at += n;
        }
        transform.Complete(sink);
        Assert.Equal(sink.Calls.Count, transform.ToolCallCount);
        return sink.Describe() + "|mid=" + transform.EndedMidCall;
    }
}
