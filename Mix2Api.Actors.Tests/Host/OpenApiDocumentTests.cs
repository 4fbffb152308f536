using System.Text.Json.Nodes;
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

        var chat = paths["/v1/chat/completions"]!["post"]!;
        Assert.Equal("#/components/schemas/ChatCompletionRequestSchema",
            chat["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        var ok = chat["responses"]!["200"]!["content"]!;
        Assert.Equal("#/components/schemas/ChatCompletionChunkSchema", ok["text/event-stream"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.NotNull(ok["application/json"]!["schema"]!["properties"]!["choices"]);
        foreach (var status in new[] { "400", "401", "413", "429", "500", "502", "503", "504" })
            Assert.Equal("#/components/schemas/ErrorEnvelopeSchema",
                chat["responses"]![status]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());

        var messages = paths["/v1/messages"]!["post"]!;
        Assert.Equal("#/components/schemas/AnthropicMessageRequestSchema",
            messages["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/AnthropicStreamEventSchema",
            messages["responses"]!["200"]!["content"]!["text/event-stream"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/AnthropicErrorEnvelopeSchema",
            messages["responses"]!["401"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());

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

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Mix2Api.Actors.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}
