namespace Mix2Api.Host.Http;

public static class HttpContextExtensions
{
    public static RequestReport Report(this HttpContext context) => context.Features.Get<RequestReport>() ?? throw new InvalidOperationException("RequestCompletionMiddleware did not run");
}
