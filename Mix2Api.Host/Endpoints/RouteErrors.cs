using Mix2Api.Host.Http;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Host.Endpoints;

/// <summary>Unknown routes and wrong methods get the JSON error envelope, never an HTML page.</summary>
public static class RouteErrors
{
    /// <summary>
    /// The fallback route: 415 when the path is mapped for this method but routing refused the body's content type
    /// (the chat routes accept <c>application/json</c> only), 405 (with Allow) when the path is mapped for other
    /// methods, 404 otherwise. The allowed methods come from the mapped endpoints themselves, so there is no second
    /// route table.
    /// </summary>
    public static Task NotFoundAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var allowed = AllowedMethods(context.RequestServices.GetRequiredService<EndpointDataSource>(), path);
        if (allowed.Contains(context.Request.Method, StringComparer.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = 415;
        }
        else if (allowed.Count > 0)
        {
            context.Response.StatusCode = 405;
            context.Response.Headers.Allow = string.Join(", ", allowed);
        }
        else
        {
            context.Response.StatusCode = 404;
        }
        return WriteAsync(context);
    }

    private static List<string> AllowedMethods(EndpointDataSource endpoints, string path)
    {
        var normalized = path.Length > 1 ? path.TrimEnd('/') : path;
        var methods = new List<string>();
        foreach (var endpoint in endpoints.Endpoints)
        {
            if (endpoint is not RouteEndpoint route || route.Metadata.GetMetadata<HttpMethodMetadata>() is not { } verbs) continue;
            var pattern = "/" + (route.RoutePattern.RawText ?? "").TrimStart('/');
            if (string.Equals(pattern, normalized, StringComparison.OrdinalIgnoreCase)) methods.AddRange(verbs.HttpMethods);
        }
        return methods;
    }

    public static Task WriteAsync(HttpContext context)
    {
        var status = context.Response.StatusCode;
        // Anthropic clients get their own envelope for a wrong path or method under their API too.
        if (context.Request.Path.StartsWithSegments("/v1/messages") && context.Features.Get<RequestReport>() is { } report)
            report.Api = "anthropic";
        context.Report().End(status >= 500 ? StreamExit.AdapterFault : StreamExit.RequestInvalid);
        var route = $"{context.Request.Method} {context.Request.Path}";
        var error = status switch
        {
            404 => new ErrorBody($"Unknown route: {route}", "invalid_request_error", "not_found"),
            405 => new ErrorBody($"Method not allowed: {route}", "invalid_request_error", "method_not_allowed"),
            415 => new ErrorBody($"Unsupported content type for {route}: send the body as application/json", "invalid_request_error", "unsupported_media_type"),
            _ => new ErrorBody($"HTTP {status}", status >= 500 ? "server_error" : "invalid_request_error", null),
        };
        return ErrorResponses.WriteAsync(context, status, error);
    }
}
