using Microsoft.AspNetCore.OpenApi;

namespace Mix2Api.Host.OpenApi;

/// <summary>
/// The OpenAPI 3 document (Microsoft.AspNetCore.OpenApi) at <c>/openapi/v1.json</c>; docs/openapi.json is a copy a
/// test keeps equal. No <c>servers</c> entry: the document must not depend on where it was fetched from.
/// </summary>
public static class OpenApiSetup
{
    public const string Route = "/openapi/v1.json";

    /// <summary>
    /// 404 and 405 answer requests that no operation here describes (a path or method not in the document), so they are
    /// said once for the whole document, not listed under the operations, which never answer them.
    /// </summary>
    public const string UndocumentedAnswers =
        "An unknown path answers 404 (code not_found) and a method a path does not serve answers 405 (code method_not_allowed) with an Allow header, in the same envelopes.";

    /// <summary>Operation id prefix of the chat routes.</summary>
    public const string ChatOperation = "createChatCompletion";

    public static void AddMix2ApiOpenApi(this IServiceCollection services)
    {
        // Only the documentation schemas are serialized with these options: the endpoints write their JSON by hand.
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        services.AddOpenApi("v1", o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new() { Title = "Mix2Api", Version = "v1",
                    Description = "OpenAI Chat Completions adapter (SPEC §1), also serving the Anthropic Messages API. Errors use the OpenAI envelope "
                        + "(the Anthropic one under /v1/messages); every response carries x-request-id. " + UndocumentedAnswers };
                document.Servers?.Clear();
                return Task.CompletedTask;
            });
            // One status, two bodies: the JSON answer and the SSE chunk. Produces() keeps one per status, so the JSON one is added here.
            o.AddOperationTransformer(async (operation, context, cancellationToken) =>
            {
                var json = operation.OperationId switch
                {
                    { } id when id.StartsWith(ChatOperation, StringComparison.Ordinal) => typeof(ChatCompletionSchema),
                    "createMessage" => typeof(AnthropicMessageSchema),
                    _ => null,
                };
                if (json is null || operation.Responses?.TryGetValue("200", out var ok) != true || ok!.Content is null) return;
                var schema = await context.GetOrCreateSchemaAsync(json, null, cancellationToken);
                ok.Content["application/json"] = new Microsoft.OpenApi.OpenApiMediaType { Schema = schema };
            });
            // GET /v1/models answers in Anthropic's shapes when the request carries anthropic-version: one status, two bodies.
            o.AddOperationTransformer(async (operation, context, cancellationToken) =>
            {
                if (operation.OperationId != "listModels") return;
                await AlsoAnthropicAsync(operation, "200", typeof(AnthropicModelListSchema), context, cancellationToken);
                await AlsoAnthropicAsync(operation, "401", typeof(AnthropicErrorEnvelopeSchema), context, cancellationToken);
            });
        });
    }

    private static async Task AlsoAnthropicAsync(Microsoft.OpenApi.OpenApiOperation operation, string status, Type anthropic,
        OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.Responses?.TryGetValue(status, out var response) != true || response!.Content is not { } content
            || !content.TryGetValue("application/json", out var media) || media.Schema is not { } openAi) return;
        content["application/json"] = new Microsoft.OpenApi.OpenApiMediaType
        {
            Schema = new Microsoft.OpenApi.OpenApiSchema
            {
                Description = "The OpenAI shape, or Anthropic's when the request carries anthropic-version.",
                OneOf = [openAi, await context.GetOrCreateSchemaAsync(anthropic, null, cancellationToken)],
            },
        };
    }

    /// <summary>
    /// Chat: the request body, the JSON answer, the SSE chunk, and every error status it can answer (415: routing
    /// refuses a body not sent as application/json, and RouteErrors answers it in the route's envelope).
    /// </summary>
    public static RouteHandlerBuilder DescribeChat(this RouteHandlerBuilder route) => route
        .Accepts<ChatCompletionRequestSchema>("application/json")
        .Produces<ChatCompletionChunkSchema>(200, "text/event-stream")
        .Errors(400, 401, 413, 415, 429, 500, 502, 503, 504);

    /// <summary>Anthropic Messages: its request, the message object or its SSE events, and its error envelope.</summary>
    public static RouteHandlerBuilder DescribeAnthropicMessages(this RouteHandlerBuilder route) => route
        .Accepts<AnthropicMessageRequestSchema>("application/json")
        .Produces<AnthropicStreamEventSchema>(200, "text/event-stream")
        .AnthropicErrors(400, 401, 413, 415, 429, 500, 502, 503, 504);

    public static RouteHandlerBuilder DescribeAnthropicCountTokens(this RouteHandlerBuilder route) => route
        .Accepts<AnthropicMessageRequestSchema>("application/json")
        .Produces<AnthropicTokenCountSchema>(200, "application/json")
        .AnthropicErrors(400, 401, 413, 415);

    private static RouteHandlerBuilder AnthropicErrors(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (var status in statuses) route.Produces<AnthropicErrorEnvelopeSchema>(status, "application/json");
        return route;
    }

    public static RouteHandlerBuilder Errors(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (var status in statuses) route.Produces<ErrorEnvelopeSchema>(status, "application/json");
        return route;
    }
}
