using Mix2Api.Host.Hosting;
using Mix2Api.Host.Http;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Host.Diagnostics;

/// <summary>
/// Where every request enters and where it is reported: assigns the request id, turns an escaped
/// exception into a 500 envelope (never a stack trace unless EXPOSE_STACK), then reports exactly once.
/// </summary>
public sealed class RequestCompletionMiddleware(RequestDelegate next, RequestReporter reporter, Mix2ApiSettings settings, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var id = RequestIds.From(context.Request.Headers["x-request-id"].ToString());
        context.Response.Headers["x-request-id"] = id;
        var report = new RequestReport { RequestId = id, StartedAt = time.GetTimestamp() };
        context.Features.Set(report);
        context.Response.OnStarting(static state =>
        {
            var (r, t) = ((RequestReport, TimeProvider))state;
            r.FirstByteAt ??= t.GetTimestamp();
            return Task.CompletedTask;
        }, (report, time));
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex)
        {
            var status = ex.StatusCode;
            report.End(StreamExit.RequestInvalid);
            await ErrorResponses.WriteAsync(context, status, status == 413
                ? ErrorResponses.InvalidRequest("request_too_large", null, "Request body too large")
                : ErrorResponses.InvalidRequest("invalid_request", null, "Invalid request"));
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested)
        {
            report.Exception = ex;
            report.End(StreamExit.ClientDisconnected);
        }
        catch (Exception ex)
        {
            report.Exception = ex;
            var decision = ExitDecision.Of(StreamExit.AdapterFault);
            report.End(decision);
            await ErrorResponses.WriteAsync(context, decision.Verdict.HttpStatus, decision.Verdict.Error!, settings.ExposeStack ? ex.ToString() : null);
        }
        finally
        {
            if (context.RequestAborted.IsCancellationRequested)
                report.End(StreamExit.ClientDisconnected);
            reporter.Report(context, report);
        }
    }
}
