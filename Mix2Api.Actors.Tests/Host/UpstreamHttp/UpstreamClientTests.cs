using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Mix2Api.Host.Hosting;
using Mix2Api.Host.Upstream;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Tests.Host.UpstreamHttp;

/// <summary>
/// The broker's own upstream HTTP/1.1 client against an upstream that writes exact bytes: what it sends, when a
/// connection is kept for the next request and when it is closed, and how a broken reply fails.
/// </summary>
public sealed class UpstreamClientTests : IAsyncDisposable
{
    private const string StreamHead = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
    private static readonly byte[] Body = """{"message":"hi"}"""u8.ToArray();

    private readonly RawUpstream _upstream = new();

    private static UpstreamClient Client(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        var (loaded, errors) = Mix2ApiSettings.Load(configuration, isDevelopment: true);
        Assert.Empty(errors);
        return new UpstreamClient(loaded, TimeProvider.System);
    }

    private Task<UpstreamResponse> Send(UpstreamClient client, string? bearer = "tok")
        => client.SendAsync(_upstream.ChatUrl, Body, "req-1", bearer, CancellationToken.None);

    /// <summary>Sends a request and answers it with <paramref name="reply"/> once the upstream has it; the response is still to be awaited.</summary>
    private async Task<(RawRequest Request, Task<UpstreamResponse> Response)> Exchange(UpstreamClient client, string reply)
    {
        var sending = Send(client);
        var request = await _upstream.NextAsync();
        await request.ReplyAsync(reply);
        return (request, sending);
    }

    private static async Task<string> ReadToEnd(UpstreamResponse response)
    {
        var text = new System.Text.StringBuilder();
        var buffer = new byte[64];
        int n;
        while ((n = await response.Body.ReadAsync(buffer)) > 0) text.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, n));
        return text.ToString();
    }

    [Fact]
    public async Task The_request_goes_out_whole_and_a_response_read_to_its_end_leaves_the_connection_for_the_next()
    {
        using var client = Client(("UPSTREAM_REFERER", "https://chat.example/"));
        var (request, sending) = await Exchange(client, StreamHead + "5\r\nhello\r\n0\r\n\r\n");
        using (var response = await sending)
        {
            Assert.Equal(200, response.Status);
            Assert.Equal("hello", await ReadToEnd(response));
        }

        Assert.StartsWith("POST /v2/chats HTTP/1.1\r\n", request.Text);
        Assert.EndsWith("\r\n\r\n" + """{"message":"hi"}""", request.Text);
        foreach (var line in new[] { $"host: {_upstream.ChatUrl.Authority}", "content-type: application/json", $"content-length: {Body.Length}",
                     "accept: text/event-stream", "authorization: Bearer tok", "x-request-id: req-1", "referer: https://chat.example/", "cache-control: no-cache" })
            Assert.Contains("\r\n" + line + "\r\n", request.Text);
        Assert.Equal(1, client.IdleConnections);

        var (second, again) = await Exchange(client, StreamHead + "0\r\n\r\n");
        using (var response = await again) Assert.Equal("", await ReadToEnd(response));
        Assert.Equal(request.Connection, second.Connection);
        Assert.Equal(1, _upstream.Connections);
    }

    [Fact]
    public async Task A_body_left_before_its_end_closes_its_connection_and_the_next_request_opens_another()
    {
        using var client = Client();
        var (request, sending) = await Exchange(client, StreamHead + "5\r\nhello\r\n");
        var response = await sending;
        var buffer = new byte[64];
        await response.Body.ReadExactlyAsync(buffer.AsMemory(0, 5));

        response.Dispose();
        await request.ConnectionClosed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, client.IdleConnections);

        var (second, again) = await Exchange(client, StreamHead + "0\r\n\r\n");
        Assert.NotEqual(request.Connection, second.Connection);
        using (await again)
        {
        }
    }

    [Fact]
    public async Task A_pooled_connection_the_upstream_closed_while_idle_is_replaced_without_an_error()
    {
        using var client = Client(("UPSTREAM_RETRY_COUNT", "0"));
        var (first, sending) = await Exchange(client, "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: 2\r\n\r\nok");
        using (var response = await sending) Assert.Equal("ok", await ReadToEnd(response));
        Assert.Equal(1, client.IdleConnections);

        first.Close();
        var (second, again) = await Exchange(client, "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: 5\r\n\r\nagain");
        using (var response = await again) Assert.Equal("again", await ReadToEnd(response));
        Assert.NotEqual(first.Connection, second.Connection);
    }

    [Fact]
    public async Task Bytes_after_the_body_keep_the_connection_out_of_the_pool()
    {
        using var client = Client();
        var (request, sending) = await Exchange(client, "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\n");
        using (var response = await sending) Assert.Equal("ok", await ReadToEnd(response));

        Assert.Equal(0, client.IdleConnections);
        await request.ConnectionClosed.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_body_without_length_runs_to_the_close_and_its_connection_is_not_kept()
    {
        using var client = Client();
        var (request, sending) = await Exchange(client, "HTTP/1.0 200 OK\r\ncontent-type: text/event-stream\r\n\r\ndata: one\n\n");
        using var response = await sending;
        var reading = ReadToEnd(response);
        await request.ReplyAsync("data: two\n\n");
        request.Close();

        Assert.Equal("data: one\n\ndata: two\n\n", await reading);
        Assert.Equal(0, client.IdleConnections);
    }

    [Fact]
    public async Task An_upstream_that_closes_mid_body_fails_the_read()
    {
        using var client = Client();
        var (request, sending) = await Exchange(client, StreamHead + "5\r\nhel");
        using var response = await sending;
        var buffer = new byte[64];
        await response.Body.ReadExactlyAsync(buffer.AsMemory(0, 3));
        request.Close();

        var ex = await Assert.ThrowsAsync<UpstreamHttpException>(() => response.Body.ReadAsync(buffer).AsTask());
        Assert.Equal(HttpRequestError.ResponseEnded, ex.Error);
    }

    [Theory]
    [InlineData("garbage\r\n\r\n", "InvalidResponse")]
    [InlineData("HTTP/1.1 200 OK\r\ncontent-length: nope\r\n\r\n", "InvalidResponse")]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\n\r\n", "InvalidResponse")]
    public async Task A_malformed_reply_is_a_connect_failure_naming_it(string reply, string detail)
    {
        using var client = Client();
        var (_, sending) = await Exchange(client, reply);

        var ex = await Assert.ThrowsAsync<UpstreamConnectException>(() => sending);
        Assert.Equal((false, detail), (ex.TimedOut, ex.Detail));
    }

    [Fact]
    public async Task A_reply_that_ends_before_its_head_is_a_connect_failure_on_a_new_connection()
    {
        using var client = Client();
        var (request, sending) = await Exchange(client, "HTTP/1.1 200 OK\r\ncontent-");
        request.Close();

        var ex = await Assert.ThrowsAsync<UpstreamConnectException>(() => sending);
        Assert.Equal("ResponseEnded", ex.Detail);
    }

    [Fact]
    public async Task Interim_responses_are_skipped()
    {
        using var client = Client();
        var (_, sending) = await Exchange(client, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + StreamHead + "2\r\nok\r\n0\r\n\r\n");
        using var response = await sending;
        Assert.Equal((200, "ok"), (response.Status, await ReadToEnd(response)));
    }

    [Fact]
    public async Task A_zero_byte_read_waits_for_data_and_takes_none_of_it()
    {
        using var client = Client();
        var (request, sending) = await Exchange(client, StreamHead);
        using var response = await sending;

        var waiting = response.Body.ReadAsync(Memory<byte>.Empty).AsTask();
        Assert.False(waiting.IsCompleted);
        await request.ReplyAsync("4\r\nlate\r\n0\r\n\r\n");
        Assert.Equal(0, await waiting);
        Assert.Equal("late", await ReadToEnd(response));
    }

    [Fact]
    public async Task A_header_value_that_could_split_the_head_is_refused_before_anything_is_sent()
    {
        using var client = Client();
        var ex = await Assert.ThrowsAsync<UpstreamConnectException>(() => Send(client, bearer: "tok\r\nx-injected: 1"));

        Assert.Equal("InvalidRequestHeader", ex.Detail);
        await _upstream.ClosedWithoutRequest.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_error_status_fails_with_its_retry_after_and_leaves_the_connection_reusable()
    {
        using var client = Client();
        var (_, sending) = await Exchange(client,
            "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 3\r\ncontent-length: 32\r\n\r\n{\"error\":{\"message\":\"too busy\"}}");

        var ex = await Assert.ThrowsAsync<UpstreamStatusException>(() => sending);
        Assert.Equal((503, TimeSpan.FromSeconds(3), false), (ex.Status, ex.RetryAfter, ex.AuthRejected));
        Assert.Equal(1, client.IdleConnections);
    }

    [Fact]
    public async Task A_json_reply_is_read_whole_before_it_is_returned()
    {
        using var client = Client();
        const string json = """{"content":"hi","messageMetadata":{"sessionId":"s","exchangeId":"e"}}""";
        var (_, sending) = await Exchange(client, $"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n{json.Length:x}\r\n{json}\r\n0\r\n\r\n");

        using var response = await sending;
        Assert.Equal(json, System.Text.Encoding.UTF8.GetString(response.Json!));
        Assert.Equal(1, client.IdleConnections);
    }

    [Fact]
    public async Task Without_keep_alive_the_request_asks_to_close_and_no_connection_is_kept()
    {
        using var client = Client(("UPSTREAM_KEEP_ALIVE", "false"));
        var (request, sending) = await Exchange(client, StreamHead + "0\r\n\r\n");
        using (var response = await sending) await ReadToEnd(response);

        Assert.Contains("\r\nconnection: close\r\n", request.Text);
        Assert.Equal(0, client.IdleConnections);
        await request.ConnectionClosed.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Https_carries_the_name_in_TLS_and_reads_and_reuses_like_plain_http()
    {
        using var certificate = SelfSigned("localhost");
        await using var upstream = new RawUpstream(certificate, host: "localhost");
        using var client = new UpstreamClient(Mix2ApiSettings.Load(new ConfigurationManager(), isDevelopment: true).Settings, TimeProvider.System)
        {
            CertificateValidation = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString(),
        };
        for (var i = 0; i < 2; i++)
        {
            var sending = client.SendAsync(upstream.ChatUrl, Body, "req-tls", "tok", CancellationToken.None);
            var request = await upstream.NextAsync();
            await request.ReplyAsync(StreamHead);
            using var response = await sending;
            var waiting = response.Body.ReadAsync(Memory<byte>.Empty).AsTask(); // waits on TLS without a buffer
            await request.ReplyAsync("7\r\nsecret!\r\n0\r\n\r\n");
            Assert.Equal(0, await waiting);
            Assert.Equal("secret!", await ReadToEnd(response));
            Assert.Contains($"\r\nhost: localhost:{upstream.ChatUrl.Port}\r\n", request.Text);
        }
        Assert.Equal("localhost", upstream.ServerName);
        Assert.Equal(1, upstream.Connections);
    }

    [Fact]
    public async Task An_https_upstream_with_a_certificate_nobody_trusts_is_a_secure_connection_failure()
    {
        using var certificate = SelfSigned("localhost");
        await using var upstream = new RawUpstream(certificate, host: "localhost");
        using var client = Client();

        var ex = await Assert.ThrowsAsync<UpstreamConnectException>(() => client.SendAsync(upstream.ChatUrl, Body, "req-tls", "tok", CancellationToken.None));
        Assert.Equal((false, "SecureConnectionError"), (ex.TimedOut, ex.Detail));
    }

    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Reloaded from PKCS#12 so the private key is usable by SslStream on Linux.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    public ValueTask DisposeAsync() => _upstream.DisposeAsync();
}
