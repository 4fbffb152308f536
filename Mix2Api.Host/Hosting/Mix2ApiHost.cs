using Akka.Actor;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Akka.Streams;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Mix2Api.Actors.Hosting;
using Mix2Api.Host.Admin;
using Mix2Api.Host.Diagnostics;
using Mix2Api.Host.OpenApi;
using Mix2Api.Host.Operations;
using Mix2Api.Host.Traces;
using Mix2Api.Host.Endpoints;
using Mix2Api.Host.Simulator;
using Mix2Api.Host.Upstream;
using Mix2Api.Streams.Graph;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;
using Serilog.Sinks.SystemConsole.Themes;

namespace Mix2Api.Host.Hosting;

/// <summary>
/// Builds the node: configuration (config/*.json, environment variables with Node adapter names or
/// .NET names), validation that stops start-up with one line per problem, the one <c>mix2api</c> actor system
/// (Akka.Hosting; its configuration in hocon/, overridden by the environment), services, and routes.
/// </summary>
public static class Mix2ApiHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        RuntimeSettings.ApplyDefaults(); // before the first socket
        var app = await BuildAsync(args, null, Console.Error);
        if (app is null) return 2;
        // A node process only: the JIT worker is the process's, and an in-process test host shares it with every test.
        _ = app.Services.GetRequiredService<BackgroundJitPriority>();
        try
        {
            await app.RunAsync();
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            // A taken port (PORT, urls or ADMIN_PORT) is a start-up problem to name, not a crash with a stack trace.
            await Console.Error.WriteLineAsync($"mix2api: start-up error: {ex.Message}");
            return 2;
        }
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

        var logger = CreateLogger(settings);
        // Akka.Logger.Serilog writes through the static logger: one log stream for the host and the actor system.
        Log.Logger = logger;
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: true);
        // Off, not Warning: ASP.NET Core hosting starts an Activity and a log scope for every request whenever its
        // category is enabled at any level, for its own request-start/finish lines, which request.completed replaces.
        // Bound to Serilog's provider: AddSerilog adds a provider rule (all categories, Trace) that outranks a rule without one.
        builder.Logging.AddFilter<Serilog.Extensions.Logging.SerilogLoggerProvider>("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        var urls = builder.Configuration["urls"] is { Length: > 0 } u ? u : builder.Configuration["ASPNETCORE_URLS"];
        ListenUrls? chatUrls = null;
        if (settings.Admin.Enabled && !string.IsNullOrEmpty(urls))
        {
            var urlProblems = new List<string>();
            chatUrls = ListenUrls.Parse(urls, urlProblems);
            foreach (var problem in urlProblems) await errors.WriteLineAsync($"mix2api: configuration error: {problem}");
            if (urlProblems.Count > 0) return null;
        }
        var adminAddress = new AdminAddress();
        // Kestrel continues a connection on the thread its socket operation completed on instead of queueing it once
        // more (its IOQueue), and a flush writes to the socket on the flushing thread: one thread hop less per request
        // and per flushed batch (added TTFB p50 0.73-0.78 -> 0.43-0.55 ms, docs/BENCHMARKS.md). With the runtime's
        // inline socket completions (RuntimeSettings) that thread is the epoll thread; without them, a pool thread.
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // A header value with bytes above 0x7F would otherwise get Kestrel's bare 400 before our code runs (no
            // envelope, no request.completed); read as Latin-1 it reaches the checks that answer it properly.
            k.RequestHeaderEncodingSelector = _ => System.Text.Encoding.Latin1;
            k.Limits.MaxRequestBodySize = settings.BodyLimit + 1;
            if (!settings.Admin.Enabled)
            {
                if (string.IsNullOrEmpty(urls)) k.ListenAnyIP(settings.Port);
                return;
            }
            // A second listener in this host for the admin API only; its connections are marked so the pipeline routes them apart.
            if (chatUrls is null) k.ListenAnyIP(settings.Port);
            else chatUrls.Apply(k);
            k.Listen(settings.Admin.Host, settings.Admin.Port, listen =>
            {
                adminAddress.Bind(listen);
                listen.Use(next => connection =>
                {
                    connection.Items[AdminAddress.ConnectionMarker] = true;
                    return next(connection);
                });
            });
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownDrain + TimeSpan.FromSeconds(5));

        SimulatorServer? simulator = null;
        var target = new UpstreamTarget { ChatPath = settings.ChatPath };
        if (settings.UseSimulator)
        {
            simulator = await SimulatorServer.StartAsync(new SimulatorOptions { ChatPath = settings.ChatPath, FaultMix = settings.SimulatorFaults });
            target.Set(simulator.BaseUrl, simulator: true);
        }
        else
        {
            target.Set(settings.UpstreamBase!, simulator: false);
        }

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton<Serilog.ILogger>(logger);
        // A clock registered by the caller (tests that drive time) is kept.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(target);
        services.AddSingleton(sp => new Http.InboundAuth(settings));
        services.AddSingleton<AdmissionControl>();
        services.AddSingleton<ShutdownCoordinator>();
        services.AddSingleton<IdleMemoryTrim>();
        services.AddSingleton<BackgroundJitPriority>();
        services.AddSingleton<NodeMetrics>();
        services.AddSingleton<RequestMetrics>();
        services.AddSingleton<ActorsMetrics>();
        services.AddSingleton<RequestReporter>();
        AddOperations(services, settings, adminAddress);
        services.AddSingleton<UpstreamClient>();
        // The request graphs run on the node's one actor system (Akka.Hosting's "mix2api"), one materializer for all,
        // inside a few long-lived interpreters (one per core) rather than an actor per request.
        services.AddSingleton(sp => new GraphHostPool(sp.GetRequiredService<ActorSystem>().Materializer(namePrefix: "chat")));
        services.AddSingleton<DynamicUpstreamBase>();
        var actors = simulator is null ? settings.Actors
            : settings.Actors with { Token = settings.Actors.Token with { ApiBase = simulator.BaseUrl.ToString() } };
        services.AddAkka(ClusterNodeOptions.SystemName, (akka, sp) => akka
            .ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = AkkaLogLevel(settings.LogLevel);
                loggers.ClearLoggers();
                loggers.AddSerilogLogging();
            })
            .AddMix2ApiActors(actors, sp, AkkaConfigFiles.DefaultDirectory)
            .AddHocon(DrainBeforeLeave.PhaseTimeout(settings.ShutdownDrain), HoconAddMode.Prepend)
            .AddStartup((system, _) => DrainBeforeLeave.Register(system, sp.GetRequiredService<IHostApplicationLifetime>(),
                sp.GetRequiredService<AdmissionControl>())));
        services.AddMix2ApiActors(actors);
        services.AddSingleton<ChatCompletionsEndpoint>();
        services.AddSingleton<AnthropicMessagesEndpoint>();
        services.AddSingleton<ModelsEndpoint>();
        services.AddSingleton<HealthEndpoints>();
        services.AddMix2ApiOpenApi();
        if (simulator is not null) services.AddSingleton(simulator);

        var app = builder.Build();
        MapRoutes(app, settings);
        foreach (var notice in settings.Notices) app.Logger.LogWarning("{Notice}", notice);
        app.Logger.LogInformation("{Runtime}", RuntimeSettings.Describe());
        if (simulator is not null)
            app.Lifetime.ApplicationStopped.Register(() => simulator.DisposeAsync().AsTask().GetAwaiter().GetResult());
        _ = app.Services.GetRequiredService<ShutdownCoordinator>();
        _ = app.Services.GetRequiredService<IdleMemoryTrim>();
        _ = app.Services.GetRequiredService<ActorsMetrics>();
        // Start the graph hosts with the node, not on the first request.
        _ = app.Services.GetRequiredService<GraphHostPool>();
        return app;
    }

    /// <summary>LOG_FORMAT json: one JSON object per line (Production); text: readable lines (the Development default).</summary>
    private static Serilog.Core.Logger CreateLogger(Mix2ApiSettings settings)
    {
        var minimum = Enum.Parse<LogEventLevel>(settings.LogLevel, ignoreCase: true);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(minimum)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .Enrich.WithProperty("node", settings.NodeId)
            .Enrich.WithProperty("channel", settings.NodeChannel);
        // Garbage on the cluster port becomes one warning per connection instead of stack traces (ClusterPortNoise).
        var sink = Serilog.Configuration.LoggerSinkConfiguration.Wrap(inner => new ClusterPortNoise(inner, minimum), to =>
        {
            if (settings.LogFormat == "text")
                to.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}", theme: ConsoleTheme.None);
            else
                to.Sink(new BufferedStdoutSink(new JsonFormatter(renderMessage: true)));
        });
        return configuration.WriteTo.Sink(sink).CreateLogger();
    }

    private static Akka.Event.LogLevel AkkaLogLevel(string level) => level switch
    {
        "debug" or "verbose" => Akka.Event.LogLevel.DebugLevel,
        "information" => Akka.Event.LogLevel.InfoLevel,
        "warning" => Akka.Event.LogLevel.WarningLevel,
        _ => Akka.Event.LogLevel.ErrorLevel,
    };

    /// <summary>The admin view: live streams, verdict and SLO windows, session activity, traces, and the views over the actors.</summary>
    private static void AddOperations(IServiceCollection services, Mix2ApiSettings settings, AdminAddress adminAddress)
    {
        services.AddSingleton(adminAddress);
        services.AddSingleton(settings.Admin);
        services.AddSingleton(settings.Traces);
        services.AddSingleton<AdminAuth>();
        services.AddSingleton<LiveStreams>();
        services.AddSingleton<SessionActivity>(sp => new SessionActivity(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<RequestOutcomes>();
        services.AddSingleton(sp => new MemoryTraceStore(settings.Traces.MaxEntries, sp.GetRequiredService<TimeProvider>()));
        if (settings.Actors.Store.UseRedis)
            services.AddSingleton<ITraceStore>(sp => new RedisTraceStore(sp.GetRequiredService<Mix2Api.Actors.State.RedisConnection>(),
                settings.Actors.KeyPrefix, settings.Traces.Retention, sp.GetRequiredService<MemoryTraceStore>(),
                sp.GetRequiredService<ILogger<RedisTraceStore>>()));
        else
            services.AddSingleton<ITraceStore>(sp => sp.GetRequiredService<MemoryTraceStore>());
        services.AddSingleton<TraceRecorder>();
        services.AddSingleton<OperationsRecorder>();
        services.AddSingleton<IClusterView, AkkaClusterView>();
        services.AddSingleton<ShardRegionView>();
        services.AddSingleton<ISessionView>(sp => sp.GetRequiredService<ShardRegionView>());
        services.AddSingleton<IShardView>(sp => sp.GetRequiredService<ShardRegionView>());
        services.AddSingleton<ITokenView>(sp => new CredentialTokenView(settings, sp.GetService<Mix2Api.Actors.Credentials.ManagedCredentialProvider>()));
        services.AddSingleton<AdminApi>();
    }

    private static Delegate Described(Func<HttpContext, Task> handler) => handler;

    private static void MapRoutes(WebApplication app, Mix2ApiSettings settings)
    {
        if (settings.Admin.Enabled)
        {
            var admin = app.Services.GetRequiredService<AdminApi>();
            app.MapWhen(AdminAddress.IsAdminConnection, branch => branch.Run(admin.HandleAsync));
        }
        app.UseMiddleware<RequestCompletionMiddleware>();
        app.UseStatusCodePages(context => RouteErrors.WriteAsync(context.HttpContext));
        var chat = app.Services.GetRequiredService<ChatCompletionsEndpoint>();
        var anthropic = app.Services.GetRequiredService<AnthropicMessagesEndpoint>();
        var models = app.Services.GetRequiredService<ModelsEndpoint>();
        var health = app.Services.GetRequiredService<HealthEndpoints>();
        var metrics = app.Services.GetRequiredService<NodeMetrics>();
        // Handlers as Delegates (not RequestDelegates) so the OpenAPI generator sees the routes and their described shapes.
        app.MapPost("/v1/chat/completions", Described(chat.HandleAsync)).WithName("createChatCompletion")
            .WithSummary("Chat completion, stream (SSE) or non-stream").DescribeChat();
        app.MapPost("/", Described(chat.HandleAsync)).WithName("createChatCompletionAlias")
            .WithSummary("Alias of POST /v1/chat/completions (some new-api setups)").DescribeChat();
        app.MapPost("/v1/messages", Described(anthropic.MessagesAsync)).WithName("createMessage")
            .WithSummary("Anthropic Messages API (Claude Code), stream (SSE) or non-stream").DescribeAnthropicMessages();
        app.MapPost("/v1/messages/count_tokens", Described(anthropic.CountTokensAsync)).WithName("countMessageTokens")
            .WithSummary("Anthropic token count estimate").DescribeAnthropicCountTokens();
        app.MapGet("/v1/models", Described(models.HandleAsync)).WithName("listModels")
            .WithSummary("Model ids from MODEL_LIST").Produces<ModelListSchema>(200).Errors(401);
        app.MapGet("/health", Described(health.HealthAsync)).WithName("health")
            .WithSummary("Liveness and readiness summary").Produces<HealthSchema>(200);
        app.MapGet("/health/live", Described(health.LiveAsync)).WithName("live")
            .WithSummary("Container liveness probe").Produces<ProbeSchema>(200);
        app.MapGet("/health/ready", Described(health.ReadyAsync)).WithName("ready")
            .WithSummary("Container readiness probe").Produces<ProbeSchema>(200).Produces<ProbeSchema>(503);
        app.MapGet("/metrics", Described(metrics.WriteAsync)).WithName("metrics")
            .WithSummary("Prometheus text exposition").Produces<string>(200, "text/plain");
        app.MapOpenApi(OpenApiSetup.Route).WithName("openapi");
        // Every path, not MapFallback's default {*path:nonfile}: a path whose last segment has a dot (/openapi/v1.json)
        // would otherwise miss the fallback and get a bare 404 for a method it does not allow.
        app.MapFallback("{*path}", RouteErrors.NotFoundAsync);
    }
}
