using System.Net;
using System.Text.Json.Nodes;
using Mix2Api.Host.OpenApi;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Host;

/// <summary>FR37: the served OpenAPI 3 document describes every route and shape, and docs/openapi.json is an equal copy.</summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private BrokerHost _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerHost.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private async Task<JsonNode> ServedAsync() => JsonNode.Parse(await _broker.Client.GetStringAsync("openapi/v1.json"))!;

    [Fact]
    public async Task Docs_copy_equals_the_served_document()
    {
        var path = Path.Combine(RepoRoot(), "docs", "openapi.json");
        var served = await ServedAsync();
        // To refresh the copy after an API change: curl -s localhost:3001/openapi/v1.json | python3 -c "import json,sys; print(json.dumps(json.load(sys.stdin), indent=2, ensure_ascii=False))" > docs/openapi.json
        Assert.True(JsonNode.DeepEquals(served, JsonNode.Parse(File.ReadAllText(path))),
            "docs/openapi.json differs from GET /openapi/v1.json: regenerate it (see the comment in this test)");
    }

    [Fact]
    public async Task Every_route_the_node_serves_is_described_with_its_shapes()
    {
        var doc = await ServedAsync();
        Assert.StartsWith("3.", doc["openapi"]!.GetValue<string>());
        var paths = doc["paths"]!.AsObject();
        Assert.Equal(["/", "/health", "/health/live", "/health/ready", "/metrics", "/v1/chat/completions", "/v1/messages", "/v1/messages/count_tokens", "/v1/models"],
            paths.Select(p => p.Key).Order(StringComparer.Ordinal));

        string[] streamErrors = ["400", "401", "413", "415", "429", "500", "502", "503", "504"];
        foreach (var path in new[] { "/v1/chat/completions", "/" })
        {
            var chat = paths[path]!["post"]!;
            Assert.Equal("#/components/schemas/ChatCompletionRequestSchema",
                chat["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
            var ok = chat["responses"]!["200"]!["content"]!;
            Assert.Equal("#/components/schemas/ChatCompletionChunkSchema", ok["text/event-stream"]!["schema"]!["$ref"]!.GetValue<string>());
            Assert.NotNull(ok["application/json"]!["schema"]!["properties"]!["choices"]);
            Assert.Equal(streamErrors, ErrorStatuses(chat, "ErrorEnvelopeSchema"));
        }

        var messages = paths["/v1/messages"]!["post"]!;
        Assert.Equal("#/components/schemas/AnthropicMessageRequestSchema",
            messages["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/AnthropicStreamEventSchema",
            messages["responses"]!["200"]!["content"]!["text/event-stream"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal(streamErrors, ErrorStatuses(messages, "AnthropicErrorEnvelopeSchema"));
        Assert.Equal(["400", "401", "413", "415"], ErrorStatuses(paths["/v1/messages/count_tokens"]!["post"]!, "AnthropicErrorEnvelopeSchema"));
        // GET /v1/models: the OpenAI shapes, or Anthropic's when the request carries anthropic-version.
        var models = paths["/v1/models"]!["get"]!["responses"]!.AsObject();
        Assert.Equal(["200", "401"], models.Select(r => r.Key));
        var list = models["200"]!["content"]!["application/json"]!["schema"]!["oneOf"]!.AsArray();
        Assert.Equal("#/components/schemas/ModelListSchema", list[0]!["$ref"]!.GetValue<string>());
        Assert.Equal(["data", "has_more", "first_id", "last_id"], list[1]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["type", "id", "display_name", "created_at"], list[1]!["properties"]!["data"]!["items"]!["properties"]!.AsObject().Select(p => p.Key));
        var unauthorized = models["401"]!["content"]!["application/json"]!["schema"]!["oneOf"]!.AsArray();
        Assert.Equal("#/components/schemas/ErrorEnvelopeSchema", unauthorized[0]!["$ref"]!.GetValue<string>());
        Assert.Equal(["type", "error"], unauthorized[1]!["properties"]!.AsObject().Select(p => p.Key));

        var schemas = doc["components"]!["schemas"]!;
        Assert.Equal(["message", "type", "code", "param"], schemas["ErrorSchema"]!["properties"]!.AsObject().Select(p => p.Key));
        var chunk = schemas["ChatCompletionChunkSchema"]!["properties"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("choices", chunk);
        Assert.Contains("usage", chunk);
        var request = schemas["ChatCompletionRequestSchema"]!;
        Assert.Equal(["model", "messages"], request["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.NotNull(request["properties"]!["stream_options"]);
        Assert.Null(doc["servers"]);
    }

    // 404 and 405 answer what no operation describes, so the document says them once (OpenApiSetup.UndocumentedAnswers);
    // this holds it to what the node does: every described path refuses a method it does not describe, naming the ones it does.
    [Fact]
    public async Task The_document_says_what_an_unknown_path_or_method_answers_and_the_node_answers_that()
    {
        var doc = await ServedAsync();
        var description = doc["info"]!["description"]!.GetValue<string>();
        Assert.Contains("404 (code not_found)", description);
        Assert.Contains("405 (code method_not_allowed) with an Allow header", description);

        foreach (var (path, item) in doc["paths"]!.AsObject())
        {
            var described = item!.AsObject().Select(m => m.Key.ToUpperInvariant()).Order(StringComparer.Ordinal).ToList();
            Assert.DoesNotContain("DELETE", described);
            Assert.All(item.AsObject(), m => Assert.Null(m.Value!["responses"]!["404"] ?? m.Value["responses"]!["405"]));

            var refused = await _broker.Client.DeleteAsync(path.TrimStart('/'));

            Assert.Equal(HttpStatusCode.MethodNotAllowed, refused.StatusCode);
            Assert.Equal(described, refused.Content.Headers.Allow.Order(StringComparer.Ordinal));
            var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!;
            Assert.Equal(path.StartsWith("/v1/messages", StringComparison.Ordinal) ? "invalid_request_error" : "method_not_allowed",
                (error["code"] ?? error["type"])!.GetValue<string>());
        }

        // The document's own path too, although its last segment looks like a file name.
        var document = await _broker.Client.PostAsync(OpenApiSetup.Route.TrimStart('/'), new StringContent("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, document.StatusCode);
        Assert.Equal(["GET"], document.Content.Headers.Allow);
        Assert.Equal("method_not_allowed", JsonNode.Parse(await document.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());

        foreach (var path in new[] { "v1/unknown", "v1/unknown.json" })
        {
            var unknown = await _broker.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("not_found", JsonNode.Parse(await unknown.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
        }
    }

    /// <summary>The operation's error statuses in order, each checked to be the given envelope as JSON.</summary>
    private static List<string> ErrorStatuses(JsonNode operation, string envelope)
    {
        var statuses = new List<string>();
        foreach (var (status, response) in operation["responses"]!.AsObject())
        {
            if (status == "200") continue;
            Assert.Equal($"#/components/schemas/{envelope}", response!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
            statuses.Add(status);
        }
        return statuses;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Mix2Api.Actors.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}
