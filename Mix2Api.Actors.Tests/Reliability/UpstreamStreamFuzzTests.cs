using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using CsCheck;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Reliability;

/// <summary>
/// Property: whatever bytes the upstream sends after a 200 — random bytes, frames cut anywhere, giant lines, invalid
/// UTF-8, as SSE or as a JSON reply — the broker ends the request with <c>upstream_error</c> or <c>adapter_error</c>
/// and the client gets a terminal signal (the error event and <c>[DONE]</c>, or an HTTP error in the envelope).
/// Never a finish, a 500 from a crash, or a hang. A raw TCP upstream plays the site (the simulator only sends
/// well-formed HTTP). Replay a failure with the seed CsCheck prints (<c>CsCheck_Seed</c>).
/// </summary>
public sealed class UpstreamStreamFuzzTests
{
    private const int Iterations = 200;
    private const int MaxFrameBytes = 4096;

    private static readonly byte[][] Prefix =
    [
        """data: {"type":"start","messageId":"m1","messageMetadata":{"sessionId":"s1","exchangeId":"e1"}}"""u8.ToArray(),
        """data: {"type":"start-step"}"""u8.ToArray(),
        """data: {"type":"text-start","id":"t0"}"""u8.ToArray(),
        """data: {"type":"text-delta","id":"t0","delta":"Hello "}"""u8.ToArray(),
        """data: {"type":"text-delta","id":"t0","delta":"wörld 你好"}"""u8.ToArray(),
        """data: {"type":"text-end","id":"t0"}"""u8.ToArray(),
        """data: {"type":"finish-step"}"""u8.ToArray(),
    ];

    private static byte[] Frames(int count) => [.. Prefix.Take(count).SelectMany(f => (byte[])[.. f, .. "\n\n"u8])];

    // Each payload ends the response without a finish frame: the stream is broken whatever else it holds.
    private static readonly Gen<byte[]> Payload = Gen.OneOf(
        Gen.Byte.Array[0, 3000],                                                                            // random bytes
        Gen.Select(Gen.Int[0, Prefix.Length], Gen.Int[0, 400]).Select(t =>                                  // frames cut anywhere
        {
            var all = Frames(t.Item1);
            return all[..Math.Min(all.Length, Math.Max(0, all.Length - t.Item2))];
        }),
        Gen.Select(Gen.Int[0, Prefix.Length], Gen.Int[MaxFrameBytes / 2, MaxFrameBytes * 4], Gen.Bool).Select(t =>  // a giant line
            (byte[])[.. Frames(t.Item1), .. "data: {\"type\":\"text-delta\",\"id\":\"t0\",\"delta\":\""u8, .. Enumerable.Repeat((byte)'x', t.Item2), .. (t.Item3 ? "\"}\n\n"u8 : ""u8)]),
        Gen.Select(Gen.Int[0, Prefix.Length], Gen.Byte[0x80, 0xFF].Array[1, 6]).Select(t =>               // invalid UTF-8 in a frame
            (byte[])[.. Frames(t.Item1), .. "data: {\"type\":\"text-delta\",\"id\":\"t0\",\"delta\":\""u8, .. t.Item2, .. "\"}\n\n"u8]),
        Gen.Select(Gen.Int[0, Prefix.Length], Gen.Byte.Array[1, 200]).Select(t =>                          // frames, then noise
            (byte[])[.. Frames(t.Item1), .. t.Item2]));

    [Fact]
    public async Task Any_broken_upstream_stream_ends_with_an_upstream_or_adapter_error_and_a_terminal_signal()
    {
        await using var upstream = RawUpstream.Start();
        await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?>
        {
            ["UPSTREAM_API_BASE"] = upstream.BaseUrl,
            ["UPSTREAM_TIMEOUT_MS"] = "5000",
            ["UPSTREAM_KEEP_ALIVE"] = "false",
            ["UPSTREAM_MAX_FRAME_BYTES"] = MaxFrameBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await Gen.Select(Payload, Gen.Bool, Gen.Bool).SampleAsync(async (payload, sse, stream) =>
        {
            var requestId = $"fuzz-{Guid.NewGuid():N}";
            upstream.Replies[requestId] = (sse ? "text/event-stream" : "application/json", payload);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            using var response = await broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("hi", stream), requestId: requestId), timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            var status = (int)response.StatusCode;
            if (status == 200 && stream)
            {
                var (data, _) = ChatRequests.ParseSse(text);
                Assert.Equal("[DONE]", data[^1]);
                Assert.Contains(data, d => d.StartsWith("{\"error\"", StringComparison.Ordinal));
                Assert.DoesNotContain(data, d => d.Contains("\"finish_reason\":\"", StringComparison.Ordinal));
            }
            else
            {
                Assert.InRange(status, 502, 502);
                Assert.Equal(JsonValueKind.String, JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("message").ValueKind);
            }
            Assert.Contains((await broker.CompletedAsync(requestId)).EndReason, new[] { "upstream_error", "adapter_error" });
        }, iter: Iterations, threads: 1, print: t => $"{(t.Item2 ? "sse" : "json")} reply, stream={t.Item3}, {t.Item1.Length} bytes: "
            + (t.Item1.Length <= 400 ? Convert.ToHexString(t.Item1) : Convert.ToHexString(t.Item1, 0, 400) + "…"));
    }

    /// <summary>Answers each request with the bytes queued under its <c>x-request-id</c> (the broker forwards it), then closes.</summary>
    private sealed class RawUpstream : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;

        public ConcurrentDictionary<string, (string ContentType, byte[] Body)> Replies { get; } = new();

        public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public static RawUpstream Start()
        {
            var upstream = new RawUpstream();
            upstream._listener.Start();
            upstream._loop = upstream.AcceptAsync();
            return upstream;
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                _ = ServeAsync(socket);
            }
        }

        private async Task ServeAsync(Socket socket)
        {
            using (socket)
            {
                try
                {
                    var buffer = new byte[1 << 16];
                    var received = new List<byte>();
                    int headerEnd;
                    while ((headerEnd = IndexOf(received, "\r\n\r\n"u8)) < 0)
                    {
                        var n = await socket.ReceiveAsync(buffer, _stop.Token);
                        if (n == 0) return;
                        received.AddRange(buffer.AsSpan(0, n));
                    }
                    var head = Encoding.ASCII.GetString([.. received.Take(headerEnd)]);
                    var id = head.Split("\r\n").Select(l => l.Split(':', 2)).First(p => p[0].Equals("x-request-id", StringComparison.OrdinalIgnoreCase))[1].Trim();
                    var (contentType, body) = Replies.TryRemove(id, out var reply) ? reply : ("text/plain", "no reply queued"u8.ToArray());
                    await socket.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: {contentType}\r\nConnection: close\r\n\r\n"));
                    await socket.SendAsync(body);
                    socket.Shutdown(SocketShutdown.Send);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException or InvalidOperationException)
                {
                    // The broker gave up on this connection first.
                }
            }
        }

        private static int IndexOf(List<byte> bytes, ReadOnlySpan<byte> pattern)
        {
            for (var i = 0; i + pattern.Length <= bytes.Count; i++)
            {
                var match = true;
                for (var j = 0; j < pattern.Length && match; j++) match = bytes[i + j] == pattern[j];
                if (match) return i;
            }
            return -1;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _loop;
        }
    }
}
