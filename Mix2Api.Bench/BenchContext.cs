using System.Text.Json;
using Mix2Api.Host.Simulator;

namespace Mix2Api.Bench;

/// <summary>
/// What every scenario uses: the running broker, the in-process simulator, the load client, and
/// request pairs (broker, direct) that make the simulator play the same script.
/// </summary>
public sealed class BenchContext(BenchOptions options, BrokerProcess broker, SimulatorServer simulator, LoadClient client, TextWriter log)
{
    public BenchOptions Options { get; } = options;
    public BrokerProcess Broker { get; } = broker;
    public SimulatorServer Simulator { get; } = simulator;
    public LoadClient Client { get; } = client;
    public TextWriter Log { get; } = log;

    /// <summary>An OpenAI chat request to the broker whose last user message is <paramref name="prompt"/>.</summary>
    public Target BrokerTarget(string prompt, bool stream) => new("broker", Broker.ChatUrl, OpenAiBody(prompt, stream), Wire.OpenAi);

    /// <summary>
    /// The broker request for <paramref name="prompt"/> and its baseline: the exact upstream body the broker
    /// sent for it (captured from the simulator), POSTed straight to the simulator's chat route.
    /// </summary>
    public async Task<(Target Broker, Target Direct)> PairAsync(string prompt, bool stream)
    {
        var broker = BrokerTarget(prompt, stream);
        var probe = await Client.RunAsync(broker, CancellationToken.None);
        if (probe.Status != 200) throw new InvalidOperationException($"the broker answered the probe request with {probe.Describe(0)}");
        var sent = Simulator.Simulator.ChatRequests.LastOrDefault(r => r.BodyText.Contains(prompt, StringComparison.Ordinal)
            || r.BodyText.Contains(JsonEncodedText.Encode(prompt).ToString(), StringComparison.Ordinal))
            ?? throw new InvalidOperationException("the simulator did not record the broker's upstream request");
        return (broker, new Target("direct", Simulator.ChatUrl, sent.RawBody, Wire.UiStream));
    }

    private static byte[] OpenAiBody(string prompt, bool stream)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("model", "mix/qwen-3-235b-instruct");
            w.WriteBoolean("stream", stream);
            w.WriteStartArray("messages");
            w.WriteStartObject();
            w.WriteString("role", "user");
            w.WriteString("content", prompt);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public void Say(string line) => Log.WriteLine(line);

    internal static string Ms(double ms) => ms.ToString(ms < 10 ? "0.000" : "0.0", System.Globalization.CultureInfo.InvariantCulture);

    internal static string Describe(IEnumerable<StreamResult> failures, int expected) =>
        string.Join("; ", failures.GroupBy(f => f.Describe(expected)).Select(g => $"{g.Count()}× {g.Key}").Take(5));

}
