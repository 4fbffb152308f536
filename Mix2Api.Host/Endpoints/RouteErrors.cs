using Mix2Api.Host.Http;
using Mix2Api.Streams.Output;

namespace Mix2Api.Host.Endpoints;

/// <summary>Unknown routes and wrong methods get the JSON error envelope, never an HTML page.</summary>
public static class RouteErrors
{
    private static readonly Dictionary<string, string> KnownRoutes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["/v1/chat/completions"] = "POST",
        ["/"] = "POST",
        ["/v1/models"] = "GET",
        ["/health"] = "GET",
        ["/health/live"] = "GET",
        ["/health/ready"] = "GET",
        ["/metrics"] = "GET",
    };

    /// <summary>The fallback route: 405 (with Allow) for a known path, 404 otherwise.</summary>
    public static Task NotFoundAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (KnownRoutes.TryGetValue(path.Length > 1 ? path.TrimEnd('/') : path, out var allowed))
        {
            context.Response.StatusCode = 405;
            context.Response.Headers.Allow = allowed;
        }
        else
        {
            context.Response.StatusCode = 404;
        }
        return WriteAsync(context);
    }

    public static Task WriteAsync(HttpContext context)
    {
        var status = context.Response.StatusCode;
        var route = $"{context.Request.Method} {context.Request.Path}";
        var error = status switch
        {
            404 => new ErrorBody($"Unknown route: {route}", "invalid_request_error", "not_found"),
            405 => new ErrorBody($"Method not allowed: {route}", "invalid_request_error", "method_not_allowed"),
            _ => new ErrorBody($"HTTP {status}", status >= 500 ? "server_error" : "invalid_request_error", null),
        };
        return ErrorResponses.WriteAsync(context, status, error);
    }
}
