using System.Globalization;
using Akka.Remote.Transport;
using DotNetty.Codecs;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace Mix2Api.Host.Hosting;

/// <summary>
/// What reaches the cluster (Akka remoting) port but is not a Mix2Api node speaking Akka remoting, logged as one
/// clear Warning line instead of Akka's Errors and Warnings with DotNetty, protobuf or Hyperion stack traces:
/// <list type="bullet">
/// <item>bytes that are not Akka remoting (a port scanner, a misdirected client, garbage): Akka drops the connection
/// and logs up to three stack traces for it (the refused frame, the closing channel, the failed PDU decoder); here
/// one line per connection, naming the peer and the reason; likewise a connection that never completes the Akka
/// handshake, which Akka closes after <c>akka.remote.handshake-timeout</c> and logs as an Error;</item>
/// <item>a remote message it refuses to read (a type outside the Hyperion allow-list, a type bound to no serializer,
/// a corrupted payload): Akka drops the message, keeps the association and logs a warning whose reason is buried in
/// an inner exception behind a generic "could not find any internal serializer" text; here one line per message with
/// the innermost reason (e.g. the refused type's name).</item>
/// </list>
/// Every other event passes unchanged.
/// </summary>
public sealed class ClusterPortNoise(ILogEventSink inner, LogEventLevel minimum) : ILogEventSink, IDisposable
{
    private const int RememberedPeers = 256;
    private const int MaxReasonChars = 300;
    private const string PduFailure = "Error while decoding incoming Akka PDU";
    private const string RefusedMessage = "Deserialization failed for message with serializer id";
    private const string HandshakeTimeout = "No response from remote for inbound association";

    private static readonly MessageTemplate Dropped = new MessageTemplateParser().Parse(
        "Cluster port: dropped a connection from {Peer} that sent what is not Akka remoting: {Reason}");

    private static readonly MessageTemplate Refused = new MessageTemplateParser().Parse(
        "Cluster port: refused a message from {Peer} without reading it: {Reason}");

    // The peers already reported (a connection's ephemeral endpoint): one line per connection, not one per failure.
    private readonly string[] _reported = new string[RememberedPeers];
    private readonly Lock _gate = new();
    private int _next;

    public void Emit(LogEvent logEvent)
    {
        if (Classify(logEvent) is not var (template, reason))
        {
            inner.Emit(logEvent);
            return;
        }
        if (minimum > LogEventLevel.Warning) return;
        var peer = PeerOf(logEvent);
        if (template == Dropped && !FirstReport(peer)) return;
        var properties = new List<LogEventProperty> { new("Peer", new ScalarValue(peer)), new("Reason", new ScalarValue(reason)) };
        foreach (var name in (ReadOnlySpan<string>)["SourceContext", "node", "channel"])
            if (logEvent.Properties.TryGetValue(name, out var value)) properties.Add(new LogEventProperty(name, value));
        inner.Emit(new LogEvent(logEvent.Timestamp, LogEventLevel.Warning, null, template, properties));
    }

    /// <summary>Which of the two lines an event becomes, with its reason; null for every event that is not about such input.</summary>
    private static (MessageTemplate Template, string Reason)? Classify(LogEvent logEvent)
    {
        var text = logEvent.MessageTemplate.Text;
        if (logEvent.Exception is not { } error)
            return text.StartsWith(HandshakeTimeout, StringComparison.Ordinal) ? (Dropped, logEvent.RenderMessage(CultureInfo.InvariantCulture)) : null;
        if (IsMalformedInput(error)) return (Dropped, ReasonOf(error, withOuter: true));
        if (text.StartsWith(RefusedMessage, StringComparison.Ordinal)) return (Refused, ReasonOf(error, withOuter: false));
        return null;
    }

    private static bool IsMalformedInput(Exception error)
        => error is DecoderException || (error is AkkaProtocolException && error.Message.StartsWith(PduFailure, StringComparison.Ordinal));

    /// <summary>
    /// The transport names the peer as the second argument of its "Error caught channel [{0}->{1}]" line; the PDU
    /// decoder and the endpoint reader only in their actor's name (…-akka.tcp%3A%2F%2Fmix2api%40&lt;peer&gt;-&lt;n&gt;).
    /// </summary>
    private static string PeerOf(LogEvent logEvent)
    {
        if (logEvent.Properties.TryGetValue("1", out var remote) && remote is ScalarValue { Value: { } endpoint })
            return endpoint.ToString() ?? "unknown";
        if (logEvent.Properties.TryGetValue("LogSource", out var source) && source is ScalarValue { Value: string path })
        {
            var decoded = Uri.UnescapeDataString(path);
            var at = decoded.LastIndexOf('@');
            var dash = decoded.LastIndexOf('-');
            if (at >= 0 && dash > at) return decoded[(at + 1)..dash];
        }
        return "unknown";
    }

    private bool FirstReport(string peer)
    {
        if (peer == "unknown") return true;
        lock (_gate)
        {
            if (Array.IndexOf(_reported, peer) >= 0) return false;
            _reported[_next] = peer;
            _next = (_next + 1) % RememberedPeers;
            return true;
        }
    }

    /// <summary>
    /// The innermost exception says what was wrong (the refused type, the bad length); Akka's outer text for a refused
    /// message is generic ("could not find any internal serializer…"), for a failed PDU it says where.
    /// </summary>
    private static string ReasonOf(Exception error, bool withOuter)
    {
        var innermost = error;
        while (innermost.InnerException is { } next) innermost = next;
        var reason = innermost == error || !withOuter ? $"{innermost.GetType().Name}: {innermost.Message}" : $"{error.Message}: {innermost.Message}";
        return reason.Length <= MaxReasonChars ? reason : reason[..MaxReasonChars] + "…";
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
