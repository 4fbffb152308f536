using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using CsCheck;
using Mix2Api.Actors.Sessions;
using Mix2Api.Actors.Singleton;
using Mix2Api.Tests.Cluster;
using Mix2Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Reliability;

/// <summary>
/// The Akka remoting (cluster) port given what no Mix2Api node sends: raw garbage, truncated and oversized frames,
/// and well-formed remote messages of a type outside the Hyperion allow-list or with a corrupted payload. Property:
/// the input is dropped, never read into an object; the node keeps running, <c>/health</c> stays 200 and a chat
/// request still completes after every batch; the node logs it without a flood. Replay a failure with the seed
/// CsCheck prints (<c>CsCheck_Seed</c>).
/// </summary>
public sealed class ClusterPortFuzzTests(ITestOutputHelper output)
{
    private const int MaxFrameBytes = 1024 * 1024; // hocon/base.conf akka.remote.dot-netty.tcp.maximum-frame-size
    private static readonly string[] Paths = ["/user", "/system/sharding/session", "/user/token-manager/token-manager"];

    private static byte[] Framed(int declaredLength, byte[] body)
    {
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, declaredLength); // Akka's DotNetty framing: 4-byte little-endian length
        body.CopyTo(frame, 4);
        return frame;
    }

    private static readonly Gen<byte[]> Garbage = Gen.OneOf(
        Gen.Byte.Array[1, 4000],                                                                          // random bytes
        Gen.Select(Gen.Int[2, 4000], Gen.Byte.Array[0, 4000]).Select(t =>                                 // a frame cut short
            Framed(t.Item1, t.Item2.Length < t.Item1 ? t.Item2 : t.Item2[..(t.Item1 - 1)])),
        Gen.Select(Gen.Int[MaxFrameBytes + 1, int.MaxValue], Gen.Byte.Array[0, 2000]).Select(t => Framed(t.Item1, t.Item2)), // oversized length
        Gen.Select(Gen.Int[int.MinValue, -1], Gen.Byte.Array[0, 200]).Select(t => Framed(t.Item1, t.Item2)), // negative length
        Gen.Byte.Array[1, 3000].Select(b => Framed(b.Length, b)),                                         // a whole frame of junk
        Gen.Byte.Array[1, 300].Array[2, 30].Select(frames => frames.SelectMany(b => Framed(b.Length, b)).ToArray()), // many junk frames
        Gen.Int[MaxFrameBytes + 1, 2 * MaxFrameBytes].Select(n => Framed(n - 4, new byte[n])));            // a real oversized frame, sent whole

    [Fact]
    public async Task Garbage_bytes_on_the_cluster_port_are_dropped_and_the_node_keeps_serving()
    {
        var clusterPort = FreePort.Next();
        await using var node = await NodeProcess.StartAsync(Environment(clusterPort));
        var linesBefore = Lines(node.Output).Length;
        // Connections that send nothing or part of a frame and then wait: the node must close them (handshake timeout).
        byte[][] stalls = [[], [0x10, 0x00], Framed(100, "abc"u8.ToArray())];
        var stalled = Task.WhenAll(stalls.Select(bytes => ClosedByNodeAsync(clusterPort, bytes, TimeSpan.FromSeconds(60))));
        var connections = stalls.Length;

        await Garbage.Array[1, 6].SampleAsync(async batch =>
        {
            await Task.WhenAll(batch.Select(bytes => SendRawAsync(clusterPort, bytes)));
            Interlocked.Add(ref connections, batch.Length);
            await AssertServingAsync(node);
        }, iter: 25, threads: 1, print: batch => string.Join(" | ", batch.Select(Describe)));

        Assert.All(await stalled, closed => Assert.True(closed, "a connection that never completed the handshake was still open after 60 s"));
        await AssertServingAsync(node);
        var written = Lines(node.Output)[linesBefore..];
        // At most one line per connection (some garbage is dropped without a word), each one line of JSON.
        var dropped = written.Count(l => l.Contains("Cluster port: dropped a connection", StringComparison.Ordinal));
        var all = string.Join('\n', written);
        output.WriteLine($"{connections} garbage connections, {dropped} 'dropped' lines, {written.Length} log lines in all, longest {written.Max(l => l.Length)} chars");
        Assert.True(dropped > 0 && dropped <= connections, all);
        Assert.InRange(written.Length, 1, 3 * connections);
        Assert.True(written.Any(l => l.Contains("Cluster port: dropped", StringComparison.Ordinal) && l.Contains("Handshake timed out", StringComparison.Ordinal)), all);
        Assert.False(written.Any(l => l.Contains("   at ", StringComparison.Ordinal)), all);
        Assert.False(node.HasExited);
    }

    [Fact]
    public async Task Remote_messages_outside_the_allow_list_or_corrupted_are_refused_and_logged_and_the_node_keeps_serving()
    {
        var clusterPort = FreePort.Next();
        await using var node = await NodeProcess.StartAsync(Environment(clusterPort));
        await using var attacker = ClusterPortAttacker.Start();
        var sent = 0;

        await Gen.Select(ForgedMessages, Gen.Int[0, Paths.Length - 1]).Array[1, 5].SampleAsync(async batch =>
        {
            foreach (var (message, path) in batch) attacker.Send(clusterPort, Paths[path], message);
            sent += batch.Length;
            await AssertServingAsync(node);
        }, iter: 20, threads: 1, print: batch => string.Join(" | ", batch.Select(m => $"{Describe(m.Item1)} to {Paths[m.Item2]}")));

        // Refusals are logged one clear line each (the peer and the innermost reason, no stack trace); none stopped the node.
        attacker.Send(clusterPort, "/user", new Forged.Protocol(ClusterPortAttacker.HyperionBytes(new ProcessStartInfo("/bin/sh", "-c 'touch pwned'"))));
        sent++;
        await Eventually.TrueAsync(() => node.Output.Contains("[type: System.Diagnostics.ProcessStartInfo", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the node did not log the refused ProcessStartInfo");
        var refusals = Lines(node.Output).Where(l => l.Contains("Cluster port: refused a message from", StringComparison.Ordinal)).ToList();
        Assert.Contains(refusals, l => l.Contains("Unsafe Type Deserialization Detected! [type: System.Diagnostics.ProcessStartInfo", StringComparison.Ordinal));
        Assert.InRange(refusals.Count, 1, sent);
        output.WriteLine($"{sent} forged messages, {refusals.Count} refusal lines, longest {refusals.Max(l => l.Length)} chars");
        Assert.DoesNotContain(refusals, l => l.Contains("   at ", StringComparison.Ordinal));
        Assert.DoesNotContain(Lines(node.Output), l => l.Contains("Deserialization failed", StringComparison.Ordinal));
        await AssertServingAsync(node);
        Assert.False(node.HasExited);
    }

    [Fact]
    public async Task A_gadget_type_sent_to_the_node_is_never_constructed_while_unrestricted_Hyperion_would_construct_it()
    {
        await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?> { ["UPSTREAM_AUTH_MODE"] = "managed" });
        broker.Simulator.Simulator.RequireToken = true;
        var system = broker.Services.GetRequiredService<ActorSystem>();
        var port = Akka.Cluster.Cluster.Get(system).SelfAddress.Port!.Value;
        // The forged id is the one the node binds its protocol messages to: the attack goes to the real Hyperion path.
        Assert.Equal(-5, system.Serialization.FindSerializerForType(typeof(GetTokenStatus)).Identifier);
        var gadget = ClusterPortAttacker.HyperionBytes(new LeavesATrace { "touch pwned" });
        var before = LeavesATrace.Traces;
        Assert.IsType<LeavesATrace>(ClusterPortAttacker.ReadUnrestricted(gadget)); // control: reading it does run its code
        var afterControl = LeavesATrace.Traces;
        Assert.True(afterControl > before, "the gadget leaves no trace even when read: the test could not fail");

        var warnings = new ConcurrentQueue<string>();
        var listener = system.ActorOf(Props.Create(() => new LogListener(warnings)));
        system.EventStream.Subscribe(listener, typeof(Warning));
        await using var attacker = ClusterPortAttacker.Start();
        var startInfo = ClusterPortAttacker.HyperionBytes(new ProcessStartInfo("/bin/sh", "-c 'touch pwned'"));
        foreach (var path in Paths)
        {
            attacker.Send(port, path, new Forged.Protocol(gadget));
            attacker.Send(port, path, new Forged.Protocol(startInfo));
            attacker.Send(port, path, new Forged.Refused(typeof(LeavesATrace).AssemblyQualifiedName!, gadget));
            attacker.Send(port, path, new Forged.Protocol(ClusterPortAttacker.HyperionBytes(-4809554308313228202L)));
        }

        int Refused() => warnings.Count(w => w.Contains("Deserialization failed", StringComparison.Ordinal));
        await Eventually.TrueAsync(() => LeavesATrace.Traces != afterControl || Refused() >= 4 * Paths.Length, TimeSpan.FromSeconds(30),
            "the node did not log the refused messages within 30 s");
        Assert.True(LeavesATrace.Traces == afterControl, "the node constructed the gadget a foreign system sent it");
        var logged = string.Join(" || ", warnings);
        Assert.True(warnings.Any(w => w.Contains(nameof(LeavesATrace), StringComparison.Ordinal) && w.Contains("Unsafe Type", StringComparison.Ordinal)), logged);
        Assert.Contains(warnings, w => w.Contains(nameof(ProcessStartInfo), StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("not a Mix2Api protocol message; refused", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("(a bare value); refused", StringComparison.Ordinal));
        using var response = await broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("still serving", stream: false)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Forged remote messages: gadgets and foreign types through Hyperion, corrupted valid messages, other serializer ids.</summary>
    private static readonly Gen<Forged> ForgedMessages = Gen.OneOf<Forged>(
        Gen.Const(new Forged.Protocol(ClusterPortAttacker.HyperionBytes(new ProcessStartInfo("/bin/sh", "-c 'touch pwned'")))),
        Gen.Const(new Forged.Protocol(ClusterPortAttacker.HyperionBytes(new FileInfo("/etc/passwd")))),
        Gen.Const(new Forged.Protocol(ClusterPortAttacker.HyperionBytes(new Dictionary<string, object> { ["a"] = new Uri("http://x/") }))),
        Gen.Const(new Forged.Protocol(ClusterPortAttacker.HyperionBytes(new LeavesATrace { "touch pwned" }))),
        Gen.Select(AllowedMessage, Gen.Int, Gen.Byte.Array[1, 8]).Select(t => new Forged.Protocol(Corrupt(t.Item1, t.Item2, t.Item3))),
        Gen.Byte.Array[0, 2000].Select(b => new Forged.Protocol(b)),
        Gen.Byte.Array[0, 500].Select(b => new Forged.Refused(typeof(ProcessStartInfo).AssemblyQualifiedName!, b)),
        Gen.Byte.Array[0, 500].Select(b => new Forged.SessionJson("turn-completed", b)),
        Gen.String.Select(Gen.Byte.Array[0, 200]).Select(t => new Forged.Refused(t.Item1, t.Item2)));

    private static Gen<byte[]> AllowedMessage => Gen.OneOf(
        Gen.Const(ClusterPortAttacker.HyperionBytes(GetTokenStatus.Instance)),
        Gen.Const(ClusterPortAttacker.HyperionBytes(new RefreshAfterRejection("fp"))),
        Gen.Const(ClusterPortAttacker.HyperionBytes(new BeginTurn("k", null, null, 2, 1, new byte[32]))));

    /// <summary>A valid message's bytes with one corruption: cut short, bytes overwritten, or a tail appended.</summary>
    private static byte[] Corrupt(byte[] valid, int seed, byte[] noise)
    {
        var at = (int)((uint)seed % (uint)valid.Length);
        return (seed & 3) switch
        {
            0 => valid[..at],
            1 => [.. valid[..at], .. noise, .. valid[Math.Min(valid.Length, at + noise.Length)..]],
            2 => [.. valid, .. noise],
            _ => [.. noise, .. valid[at..]],
        };
    }

    private static Dictionary<string, string> Environment(int clusterPort) => new()
    {
        ["CLUSTER_PORT"] = clusterPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["UPSTREAM_SIMULATOR"] = "on",
        // Managed auth: the token singleton (one of the paths the forged messages go to) runs, and every chat needs it.
        ["UPSTREAM_AUTH_MODE"] = "managed",
        ["LOG_LEVEL"] = "warning",
    };

    /// <summary>Writes the bytes on a fresh connection, ends the sending side and waits (bounded) for the node to close it.</summary>
    private static async Task SendRawAsync(int port, byte[] bytes)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(bytes, timeout.Token);
            client.Client.Shutdown(SocketShutdown.Send);
            var buffer = new byte[4096];
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
                // Whatever the node answers is drained until it closes.
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // The node closed (or reset) the connection while we wrote: what a dropped connection looks like.
        }
    }

    /// <summary>Writes the bytes, keeps the connection open and reports whether the node closed it within <paramref name="max"/>.</summary>
    private static async Task<bool> ClosedByNodeAsync(int port, byte[] bytes, TimeSpan max)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        using var timeout = new CancellationTokenSource(max);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(bytes, timeout.Token);
            var buffer = new byte[4096];
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
                // The node may answer (its own handshake) before it gives up on ours.
            }
            return true;
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return true; // reset by the node
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task AssertServingAsync(NodeProcess node)
    {
        Assert.False(node.HasExited, "the node exited");
        var (status, health) = await ClusterChat.HealthAsync(node.Client);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("akka.tcp://mix2api@", health.GetProperty("singleton_node").GetString(), StringComparison.Ordinal);
        var chat = await ClusterChat.SendAsync(node.Client, null, new Conversation("still serving?"));
        Assert.Equal(HttpStatusCode.OK, chat.Status);
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static int Refusals(string output)
        => Lines(output).Count(l => l.Contains("Cluster port: refused a message", StringComparison.Ordinal));

    private static string Describe(byte[] bytes)
        => $"{bytes.Length} bytes: {Convert.ToHexString(bytes, 0, Math.Min(bytes.Length, 24))}{(bytes.Length > 24 ? "…" : "")}";

    private static string Describe(Forged message) => $"{message.GetType().Name}[{message.Manifest}] {Describe(message.Payload)}";

    /// <summary>Collects the node's warnings from its own logging bus (what its log sink is fed from).</summary>
    private sealed class LogListener : ReceiveActor
    {
        public LogListener(ConcurrentQueue<string> warnings)
            => Receive<Warning>(w =>
            {
                var text = new System.Text.StringBuilder().Append(w.Message);
                for (var cause = w.Cause; cause is not null; cause = cause.InnerException) text.Append(" <- ").Append(cause.Message);
                warnings.Enqueue(text.ToString());
            });
    }
}
