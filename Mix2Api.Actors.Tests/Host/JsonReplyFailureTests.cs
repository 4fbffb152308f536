using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Host;

/// <summary>
/// An upstream that answers 200 JSON (not SSE) and then stalls or drops inside the body: the client gets
/// 504 or 502 with the right end_reason, never a 500. The simulator always completes JSON replies, so a
/// minimal raw HTTP upstream plays this one.
/// </summary>
public sealed class JsonReplyFailureTests
{
    [Theory]
    [InlineData(false, 504, "timeout", "upstream_timeout")]
    [InlineData(true, 502, "upstream_error", "upstream_error")]
    public async Task A_json_reply_cut_inside_its_body_is_a_gateway_error(bool drop, int status, string endReason, string code)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var upstream = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            var buffer = new byte[65536];
            var received = new StringBuilder();
            while (!received.ToString().Contains("\r\n\r\n"))
            {
                var n = await socket.ReceiveAsync(buffer);
                if (n == 0) return false; // the broker gave up before this upstream had answered
                received.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            await socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"content\":\"par"));
            if (drop) socket.Close(0);
            else await socket.ReceiveAsync(buffer); // stalls until the broker gives up and closes
            return true;
        });
        await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?>
        {
            ["UPSTREAM_API_BASE"] = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}",
            // A JSON reply is read whole before the graph's first element, so its stall is timed by the first-byte
            // deadline, which starts with the request: long enough that this upstream has answered by then on a busy machine.
            ["UPSTREAM_TIMEOUT_MS"] = "3000",
        });

        var response = await broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("json please", stream: false)));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(code, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(endReason, (await broker.CompletedAsync(ChatRequests.RequestId(response))).EndReason);
        Assert.True(await upstream.WaitAsync(TimeSpan.FromSeconds(10)), "the broker gave up before the upstream sent the start of its body");
    }
}
