using Akka.Remote.Transport;
using DotNetty.Codecs;
using Mix2Api.Host.Hosting;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace Mix2Api.Tests.Host;

/// <summary>
/// What the log shows for input on the cluster port that is not Akka remoting (the events as Akka.Logger.Serilog
/// hands them over): one warning per connection without a stack trace; everything else untouched.
/// ClusterPortFuzzTests proves the same against a real node process.
/// </summary>
public class ClusterPortNoiseTests
{
    private static LogEvent Akka(LogEventLevel level, string template, Exception? error, params (string Name, object Value)[] properties) => new(
        DateTimeOffset.UtcNow, level, error, new MessageTemplateParser().Parse(template),
        properties.Select(p => new LogEventProperty(p.Name, new ScalarValue(p.Value))));

    private static LogEvent ChannelError(string peer, Exception error)
        => Akka(LogEventLevel.Error, "Error caught channel [{0}->{1}](Id={2})", error, ("0", "[::ffff:127.0.0.1]:4053"), ("1", peer), ("2", "ab12"),
            ("SourceContext", "Akka.Remote.Transport.DotNetty.TcpServerHandler"), ("node", "n1"));

    [Fact]
    public void Garbage_on_one_connection_is_one_warning_naming_the_peer_and_the_reason_without_a_stack_trace()
    {
        var sink = new Recording();
        var noise = new ClusterPortNoise(sink, LogEventLevel.Information);

        noise.Emit(ChannelError("[::ffff:127.0.0.1]:50001", new TooLongFrameException("Adjusted frame length exceeds 1048576: 5242884 - discarded")));
        noise.Emit(ChannelError("[::ffff:127.0.0.1]:50001", new CorruptedFrameException("negative pre-adjustment length field: -1")));
        noise.Emit(Akka(LogEventLevel.Error, "Error while decoding incoming Akka PDU of length 50",
            new AkkaProtocolException("Error while decoding incoming Akka PDU of length 50", new InvalidOperationException("bad wire type")),
            ("LogSource", "akka://mix2api/system/transports/akkaprotocolmanager.tcp.0/akkaProtocol-tcp%3A%2F%2Fmix2api%40%5B%3A%3Affff%3A127.0.0.1%5D%3A50002-2")));

        Assert.Equal(2, sink.Events.Count);
        Assert.All(sink.Events, e => Assert.Equal(LogEventLevel.Warning, e.Level));
        Assert.All(sink.Events, e => Assert.Null(e.Exception));
        Assert.Equal("Cluster port: dropped a connection from \"[::ffff:127.0.0.1]:50001\" that sent what is not Akka remoting: "
            + "\"TooLongFrameException: Adjusted frame length exceeds 1048576: 5242884 - discarded\"", sink.Events[0].RenderMessage());
        Assert.Equal("n1", ((ScalarValue)sink.Events[0].Properties["node"]).Value);
        Assert.Equal("[::ffff:127.0.0.1]:50002", ((ScalarValue)sink.Events[1].Properties["Peer"]).Value);
        Assert.Contains("bad wire type", sink.Events[1].RenderMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_remote_message_is_one_warning_with_the_innermost_reason()
    {
        var sink = new Recording();
        var noise = new ClusterPortNoise(sink, LogEventLevel.Warning);
        var refused = new System.Runtime.Serialization.SerializationException("Failed to deserialize payload object … Could not find any internal Akka.NET serializer with Id [-5].",
            new System.Security.SecurityException("Unsafe Type Deserialization Detected! [type: System.Diagnostics.ProcessStartInfo, System.Diagnostics.Process]"));

        noise.Emit(Akka(LogEventLevel.Warning, "Deserialization failed for message with serializer id [{0}] and manifest [{1}]. Transient association error", refused,
            ("LogSource", "akka://mix2api/system/endpointManager/reliableEndpointWriter-akka.tcp%3A%2F%2Fmix2api%40127.0.0.1%3A41000-1/endpointWriter")));

        var line = Assert.Single(sink.Events);
        Assert.Null(line.Exception);
        Assert.Equal("Cluster port: refused a message from \"127.0.0.1:41000\" without reading it: "
            + "\"SecurityException: Unsafe Type Deserialization Detected! [type: System.Diagnostics.ProcessStartInfo, System.Diagnostics.Process]\"", line.RenderMessage());
    }

    [Fact]
    public void Other_events_pass_unchanged_and_at_LOG_LEVEL_error_the_warnings_are_not_written()
    {
        var sink = new Recording();
        var other = Akka(LogEventLevel.Error, "upstream failed", new InvalidOperationException("boom"));
        var completed = Akka(LogEventLevel.Information, "request.completed", null);

        var noise = new ClusterPortNoise(sink, LogEventLevel.Error);
        noise.Emit(other);
        noise.Emit(completed);
        noise.Emit(ChannelError("[::ffff:127.0.0.1]:50003", new CorruptedFrameException("negative pre-adjustment length field: -1")));

        Assert.Equal([other, completed], sink.Events);
    }

    private sealed class Recording : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];
        public void Emit(LogEvent logEvent) => Events.Add(logEvent);
    }
}
