using Mix2Api.Actors.Hosting;
using Mix2Api.Host.Diagnostics;
using Mix2Api.Host.Endpoints;
using Mix2Api.Host.Simulator;
using Mix2Api.Host.Upstream;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace Mix2Api.Host.Hosting;

/// <summary>
/// Builds the node: configuration (config/*.json, environment variables with Node adapter names or
/// .NET names), validation that stops start-up with one line per problem, services, and routes.
/// </summary>
public static class Mix2ApiHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var app = await BuildAsync(args, null, Console.Error);
        if (app is null) return 2;
        await app.RunAsync();
        return 0;
    }

    /// <summary>Builds a ready-to-start node, or returns null after printing the configuration errors.</summary>
    public static async Task<WebApplication?> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure, TextWriter errors)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        var configDir = Path.Combine(AppContext.BaseDirectory, "config");
        builder.Configuration.AddJsonFile(Path.Combine(configDir, "defaults.json"), optional: true);
        if (builder.Configuration["MIX2API_CONFIG"] is { Length: > 0 } extra)
            builder.Configuration.AddJsonFile(Path.IsPathRooted(extra) ? extra : Path.Combine(Directory.GetCurrentDirectory(), extra), optional: false);
        builder.Configuration.AddEnvironmentVariables();
        configure?.Invoke(builder);

        var (settings, problems) = Mix2ApiSettings.Load(builder.Configuration, builder.Environment.IsDevelopment());
        if (problems.Count > 0)
        {
            foreach (var problem in problems) await errors.WriteLineAsync($"mix2api: configuration error: {problem}");
            return null;
        }

        var logger = new LoggerConfiguration()
            .MinimumLevel.Is(Enum.Parse<LogEventLevel>(settings.LogLevel, ignoreCase: true))
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .Enrich.WithProperty("node", settings.NodeId)
            .WriteTo.Sink(new BufferedStdoutSink(new JsonFormatter(renderMessage: true)))
            .CreateLogger();
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: true);

        var urlsConfigured = !string.IsNullOrEmpty(builder.Configuration["urls"]) || !string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = settings.BodyLimit + 1;
            if (!urlsConfigured) k.ListenAnyIP(settings.Port);
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownDrain + TimeSpan.FromSeconds(5));

        SimulatorServer? simulator = null;
        var target = new UpstreamTarget { ChatPath = settings.ChatPath };
        if (settings.UseSimulator)
        {
            simulator = await SimulatorServer.StartAsync(new SimulatorOptions { ChatPath = settings.ChatPath });
            target.Set(simulator.BaseUrl, simulator: true);
        }
        else
        {
            target.Set(settings.UpstreamBase!, simulator: false);
        }

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton<Serilog.ILogger>(logger);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(target);
        services.AddSingleton(sp => new Http.InboundAuth(settings));
        services.AddSingleton<AdmissionControl>();
        services.AddSingleton<ShutdownCoordinator>();
        services.AddSingleton<RequestMetrics>();
        services.AddSingleton<ActorsMetrics>();
        services.AddSingleton<RequestReporter>();
        services.AddSingleton<UpstreamClient>();
        var actors = simulator is null ? settings.Actors
            : settings.Actors with { Token = settings.Actors.Token with { ApiBase = simulator.BaseUrl.ToString() } };
        services.AddMix2ApiActors(actors);
        services.AddSingleton<ChatCompletionsEndpoint>();
        services.AddSingleton<ModelsEndpoint>();
        services.AddSingleton<HealthEndpoints>();
        if (simulator is not null) services.AddSingleton(simulator);

        var app = builder.Build();
        MapRoutes(app);
        foreach (var notice in settings.Notices) app.Logger.LogWarning("{Notice}", notice);
        if (simulator is not null)
            app.Lifetime.ApplicationStopped.Register(() => simulator.DisposeAsync().AsTask().GetAwaiter().GetResult());
        _ = app.Services.GetRequiredService<ShutdownCoordinator>();
        return app;
    }

    private static void MapRoutes(WebApplication app)
    {
        app.UseMiddleware<RequestCompletionMiddleware>();
        app.UseStatusCodePages(context => RouteErrors.WriteAsync(context.HttpContext));
        var chat = app.Services.GetRequiredService<ChatCompletionsEndpoint>();
        var models = app.Services.GetRequiredService<ModelsEndpoint>();
        var health = app.Services.GetRequiredService<HealthEndpoints>();
        var metrics = app.Services.GetRequiredService<RequestMetrics>();
        var actorsMetrics = app.Services.GetRequiredService<ActorsMetrics>();
        app.MapPost("/v1/chat/completions", chat.HandleAsync);
        app.MapPost("/", chat.HandleAsync);
        app.MapGet("/v1/models", models.HandleAsync);
        app.MapGet("/health", health.HealthAsync);
        app.MapGet("/health/live", health.LiveAsync);
        app.MapGet("/health/ready", health.ReadyAsync);
        app.MapGet("/metrics", context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4";
            var text = new System.Text.StringBuilder(metrics.Render());
            actorsMetrics.Render(text);
            return context.Response.WriteAsync(text.ToString());
        });
        app.MapFallback(RouteErrors.NotFoundAsync);
    }
}
