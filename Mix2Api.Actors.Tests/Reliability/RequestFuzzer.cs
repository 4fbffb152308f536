using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Reliability;

/// <summary>
/// The property every chat route keeps, whatever a client sends (<see cref="FuzzedApi"/> says which route and what
/// its requests look like): mutated valid requests, valid parts recombined, wrong types, huge values, deep nesting, invalid UTF-8, duplicate
/// keys, odd headers are answered within bounds with a complete answer or a 4xx in the route's error envelope — never
/// a 500, a crash or a hang. CsCheck prints the seed of a failing case; replay it with <c>CsCheck_Seed</c>.
/// </summary>
public static class RequestFuzzer
{
    public static async Task RunAsync(BrokerHost broker, FuzzedApi api, int iterations)
    {
        // Latin-1 header values go on the wire as sent (HttpClient refuses non-ASCII by default).
        using var client = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.Latin1 })
        {
            BaseAddress = broker.BaseUrl,
            Timeout = TimeSpan.FromSeconds(30),
        };
        await Gen.Select(Gen.Frequency((3, Structured(api)), (4, Mutated(api)), (3, Recombined(api)), (1, Extreme)), Headers(api)).SampleAsync(async (body, headers) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, api.Path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            api.Authorize(request);
            // A body over BODY_SIZE_LIMIT is answered 413 before it is read; only a client that waits for 100-continue
            // learns that without its upload being cut (a broken pipe is the transport's answer, not the broker's).
            if (body.Length > 1_000_000) request.Headers.ExpectContinue = true;
            foreach (var (name, value) in headers)
            {
                if (name == "content-type") { request.Content.Headers.Remove(name); request.Content.Headers.TryAddWithoutValidation(name, value); }
                else { request.Headers.Remove(name); request.Headers.TryAddWithoutValidation(name, value); }
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            using var response = await client.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            var status = (int)response.StatusCode;
            if (status == 200)
            {
                api.AssertAnswer(response.Content.Headers.ContentType?.MediaType, text);
                return;
            }
            Assert.InRange(status, 400, 499);
            var root = JsonDocument.Parse(text).RootElement;
            var error = root.GetProperty("error");
            Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
            Assert.Equal(JsonValueKind.String, error.GetProperty("type").ValueKind);
            api.AssertEnvelope(root);
        }, iter: iterations, threads: 1, print: t => $"{t.Item1.Length} bytes: {Preview(t.Item1)}; headers: {string.Join(" | ", t.Item2.Select(h => h.Name + ": " + h.Value))}");
    }

    private static Gen<string> JsonValue(FuzzedApi api, int depth)
    {
        var scalar = Gen.OneOf(
            Gen.Const("null"), Gen.Bool.Select(b => b ? "true" : "false"), Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture)),
            Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture) + "0000"), Gen.Double.Select(d => d.ToString("R", CultureInfo.InvariantCulture)),
            Gen.Const("1e400"), Gen.Const("-0"), Gen.String.Select(s => JsonSerializer.Serialize(s)),
            Gen.OneOf(api.Words).Select(w => JsonSerializer.Serialize(w)));
        if (depth == 0) return scalar;
        var inner = JsonValue(api, depth - 1);
        return Gen.Frequency(
            (4, scalar),
            (1, inner.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (2, Gen.Select(Gen.OneOf(Gen.OneOf(api.Fields), Gen.OneOf(api.InnerNames)), inner)
                .Array[0, 4].Select(pairs => "{" + string.Join(",", pairs.Select(p => JsonSerializer.Serialize(p.Item1) + ":" + p.Item2)) + "}")));
    }

    private static Gen<byte[]> Structured(FuzzedApi api) =>
        Gen.Select(Gen.OneOf(api.Fields), JsonValue(api, 3)).Array[0, 8]
            .Select(pairs => Encoding.UTF8.GetBytes("{" + string.Join(",", pairs.Select(p => "\"" + p.Item1 + "\":" + p.Item2)) + "}"));

    private static Gen<byte[]> Mutated(FuzzedApi api) =>
        Gen.OneOf(api.Seeds).SelectMany(seed => Gen.Select(Gen.Int[0, 4], Gen.Int[0, seed.Length - 1], Gen.Byte.Array[1, 8], Gen.OneOf(api.Fields), JsonValue(api, 2))
            .Select(m =>
            {
                var bytes = Encoding.UTF8.GetBytes(seed).ToList();
                var (kind, at, noise, field, value) = m;
                at = Math.Min(at, bytes.Count - 1);
                switch (kind)
                {
                    case 0: for (var i = 0; i < noise.Length && at + i < bytes.Count; i++) bytes[at + i] = noise[i]; break; // overwrite (invalid UTF-8 too)
                    case 1: bytes.RemoveRange(at, bytes.Count - at); break;                                                 // truncate
                    case 2: bytes.InsertRange(at, noise); break;                                                             // insert
                    case 3: bytes.InsertRange(1, Encoding.UTF8.GetBytes($"\"{field}\":{value},")); break;                   // duplicate key, other type
                    default: bytes.InsertRange(1, Encoding.UTF8.GetBytes($"\"{field}\":{value},\"{field}\":{value},")); break;
                }
                return bytes.ToArray();
            }));

    // Conversations no client sent in this order: tool results without their call, two system turns, an assistant first.
    private static Gen<byte[]> Recombined(FuzzedApi api) =>
        Gen.Select(Gen.OneOf(api.Messages).Array[1, 6], Gen.OneOf(api.Options).Array[0, 4]).Select(m =>
            Encoding.UTF8.GetBytes("{\"model\":\"mix/qwen-3-235b-instruct\"," + string.Concat(m.Item2.Select(o => o + ",")) + "\"messages\":[" + string.Join(",", m.Item1) + "]}"));

    // Bodies valid in shape for both APIs (model + messages of role/content), each pushed to one extreme.
    private static readonly Gen<byte[]> Extreme = Gen.OneOf(
        Gen.Int[1, 200_000].Select(n => Encoding.UTF8.GetBytes("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":" + new string('[', n) + new string(']', n) + "}]}")),
        Gen.Int[1, 100_000].Select(n => Encoding.UTF8.GetBytes("{\"model\":\"m\",\"messages\":" + string.Concat(Enumerable.Repeat("{\"a\":", n)) + "1" + new string('}', n) + "}")),
        Gen.Int[1, 6_000_000].Select(n => Encoding.UTF8.GetBytes("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('x', n) + "\"}]}")),
        Gen.Int[1, 20_000].Select(n => Encoding.UTF8.GetBytes("{\"model\":\"m\",\"messages\":[" + string.Join(",", Enumerable.Repeat("{\"role\":\"user\",\"content\":\"hi\"}", n)) + "]}")),
        Gen.OneOf("99999999999999999999999", "1e400", "-1", "1.5", "\"100\"", "[]").Select(v => Encoding.UTF8.GetBytes("{\"model\":\"m\",\"max_tokens\":" + v + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")),
        Gen.Int[1, 300].Select(n => Encoding.UTF8.GetBytes("{\"model\":\"" + new string('m', n * 1000) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")),
        Gen.Byte.Array[0, 64].Select(b => (byte[])[.. "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\""u8, .. b, .. "\"}]}"u8]));

    private static readonly Gen<string> HeaderValue = Gen.OneOf(
        Gen.Const(""), Gen.Char[' ', '~'].Array[0, 300].Select(c => new string(c)), Gen.Char['\u00A0', '\u00FF'].Array[1, 10].Select(c => new string(c)),
        Gen.Const(new string('a', 200)), Gen.OneOf("Bearer", "Bearer ", "bearer " + BrokerHost.InboundToken, BrokerHost.InboundToken, " " + BrokerHost.InboundToken + " ",
            "Basic abc", "https://169.254.169.254/", "application/json; charset=utf-16", "2023-06-01", "1999-01-01"));

    private static Gen<(string Name, string Value)[]> Headers(FuzzedApi api) =>
        Gen.Select(Gen.OneOf(api.HeaderNames), HeaderValue).Array[0, 3];

    private static string Preview(byte[] body) =>
        body.Length <= 300 ? Convert.ToHexString(body) + " = " + Encoding.UTF8.GetString(body) : Encoding.UTF8.GetString(body, 0, 300) + "…";
}
