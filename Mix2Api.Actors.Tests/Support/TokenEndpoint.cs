using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mix2Api.Tests.Support;

/// <summary>
/// A tiny upstream login endpoint on real Kestrel (loopback, port 0): POST /v2/token answers
/// <c>{"access_token":"tok-N","expires_in":…}</c>. Tests can make it fail, or hold logins until released.
/// </summary>
public sealed class TokenEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _logins;
    private volatile TaskCompletionSource? _hold;

    private TokenEndpoint(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";
    public int Logins => Volatile.Read(ref _logins);
    public int StatusCode { get; set; } = 200;
    public int ExpiresInSeconds { get; set; } = 3600;

    /// <summary>Logins that arrive are answered only after <see cref="Release"/>.</summary>
    public void Hold() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    public void Release() => _hold?.TrySetResult();

    /// <summary>Completes when the n-th login request has arrived.</summary>
    public Task LoginArrived(int n) => Eventually.TrueAsync(() => Logins >= n, TimeSpan.FromSeconds(10), $"login {n} never arrived");

    public static async Task<TokenEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var endpoint = new TokenEndpoint(app);
        app.MapPost("/v2/token", async (HttpContext context) =>
        {
            var n = Interlocked.Increment(ref endpoint._logins);
            if (endpoint._hold is { } hold) await hold.Task;
            if (endpoint.StatusCode != 200)
            {
                context.Response.StatusCode = endpoint.StatusCode;
                await context.Response.WriteAsync("""{"error":"bad credentials"}""");
                return;
            }
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"access_token":"tok-{{n}}","expires_in":{{endpoint.ExpiresInSeconds}}}""");
        });
        await app.StartAsync();
        endpoint.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
