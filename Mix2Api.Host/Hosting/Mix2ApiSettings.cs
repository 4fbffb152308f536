using Mix2Api.Host.Admin;
using Mix2Api.Host.Traces;
using System.Text.Json;
using Mix2Api.Actors.Hosting;
using Mix2Api.Streams.Budget;
using Mix2Api.Streams.Graph;
using Mix2Api.Streams.Tools;

namespace Mix2Api.Host.Hosting;

/// <summary>The validated configuration of one node. Built once at start-up by <see cref="Load"/>.</summary>
public sealed record Mix2ApiSettings
{
    /// <summary>PORT: where Kestrel listens when ASPNETCORE_URLS / urls is not set.</summary>
    public required int Port { get; init; }
    public required bool UseSimulator { get; init; }
    /// <summary>The built-in simulator's random fault mix (<c>UPSTREAM_SIMULATOR_FAULTS</c>), when set.</summary>
    public Simulator.SimFaultMix? SimulatorFaults { get; init; }
    public Upstream.DynamicBaseSettings DynamicBase { get; init; } = Upstream.DynamicBaseSettings.Off;
    public Uri? UpstreamBase { get; init; }
    public required string ChatPath { get; init; }
    public string? Referer { get; init; }
    public required string AcceptLanguage { get; init; }
    public required TimeSpan ConnectTimeout { get; init; }
    public required int RetryCount { get; init; }
    public required TimeSpan RetryBase { get; init; }
    public required bool KeepAlive { get; init; }
    public required string UpstreamAuthMode { get; init; }
    public string? UpstreamBearerToken { get; init; }
    public required string AgentSlug { get; init; }
    public required string LocaleLocation { get; init; }
    public required string LocaleLanguage { get; init; }
    public required bool ModeSearch { get; init; }
    public string? DefaultPersonaId { get; init; }
    public required bool InboundAuthRequired { get; init; }
    public required IReadOnlyList<string> InboundKeys { get; init; }
    public required bool ModelsRequireAuth { get; init; }
    public required bool StreamDefault { get; init; }
    public required long BodyLimit { get; init; }
    public required int MaxConcurrentRequests { get; init; }
    public required TimeSpan ShutdownDrain { get; init; }

    public TimeSpan MemoryTrimIdle { get; init; } = TimeSpan.FromSeconds(10);
    public int BackgroundJitNice { get; init; }

    /// <summary>The tiered-compilation worker's scheduler slice in microseconds; 0 = the kernel's default.</summary>
    public int BackgroundJitSliceUs { get; init; } = BackgroundJitPriority.DefaultSliceUs;
    public required IReadOnlyList<string> Models { get; init; }
    public required ModelProfiles Profiles { get; init; }
    public required int ProfileWarnCacheSize { get; init; }
    public required BudgetOptions Budget { get; init; }
    public required int QueryMaxChars { get; init; }
    public required int ContextMaxChars { get; init; }
    public required int ToolResultMaxChars { get; init; }
    public required int UpstreamMessagesMax { get; init; }
    public required int UpstreamMessageMaxChars { get; init; }
    public required bool ExposeStack { get; init; }
    public required string LogLevel { get; init; }
    /// <summary>LOG_FORMAT: json (one object per line) or text (readable lines); default json, text in Development.</summary>
    public required string LogFormat { get; init; }
    public required string NodeId { get; init; }
    public required string NodeChannel { get; init; }
    public required GraphSettings Graph { get; init; }
    public required ToolOptions Tools { get; init; }
    public required ActorsOptions Actors { get; init; }
    public required AdminSettings Admin { get; init; }
    public required TraceSettings Traces { get; init; }
    /// <summary>Warnings to log at start-up (embedded defaults in use, ...).</summary>
    public required IReadOnlyList<string> Notices { get; init; }

    public static (Mix2ApiSettings Settings, IReadOnlyList<string> Errors) Load(IConfiguration configuration, bool isDevelopment)
    {
        var r = new SettingsReader(configuration);
        var notices = new List<string>();

        var upstreamBase = r.AbsoluteUrl(SettingKeys.UpstreamBase);
        var simulatorMode = r.Choice(SettingKeys.Simulator, "auto", "on", "off");
        var useSimulator = simulatorMode == "on" || (simulatorMode == "auto" && upstreamBase is null && isDevelopment);
        if (useSimulator)
            notices.Add("UPSTREAM_API_BASE is not set: using the built-in upstream simulator (embedded default). Set UPSTREAM_API_BASE to serve a real upstream.");
        else if (upstreamBase is null && !r.IsSet(SettingKeys.UpstreamBase))
            r.Error(SettingKeys.UpstreamBase, "is required (outside Development, or with UPSTREAM_SIMULATOR=off)");

        Simulator.SimFaultMix? faults = null;
        if (r.Raw(SettingKeys.SimulatorFaults) is { } faultText && !Simulator.SimFaultMix.TryParse(faultText, null, out faults, out var faultError))
            r.Error(SettingKeys.SimulatorFaults, faultError!);
        if (faults is not null && useSimulator)
            notices.Add($"The built-in upstream simulator injects random faults ({faults.Describe()}): for soak tests only.");

        var timeoutMs = r.Int(SettingKeys.UpstreamTimeout, 1);
        var authMode = r.Choice(SettingKeys.UpstreamAuthMode, "none", "static", "pass_through", "managed");
        var bearer = r.Raw(SettingKeys.UpstreamBearerToken);
        if (useSimulator && !r.IsSet(SettingKeys.UpstreamAuthMode))
            authMode = "none";
        if (authMode == "static" && bearer is null)
            r.Error(SettingKeys.UpstreamBearerToken, "UPSTREAM_AUTH_MODE=static requires UPSTREAM_BEARER_TOKEN");

        var inboundMode = r.Choice(SettingKeys.InboundAuthMode, "bearer", "none");
        var keys = new List<string>();
        if (r.Raw(SettingKeys.InboundToken) is { } single) keys.Add(single);
        foreach (var key in (r.Raw(SettingKeys.InboundTokens) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            if (!keys.Contains(key)) keys.Add(key);
        if (inboundMode == "bearer" && keys.Count == 0)
        {
            if (isDevelopment && !r.IsSet(SettingKeys.InboundAuthMode))
            {
                inboundMode = "none";
                notices.Add("No INBOUND_BEARER_TOKEN(S) configured: inbound auth is OFF (Development embedded default). Never run like this in Production.");
            }
            else
            {
                r.Error(SettingKeys.InboundToken, "INBOUND_AUTH_MODE=bearer requires INBOUND_BEARER_TOKEN or INBOUND_BEARER_TOKENS (or set INBOUND_AUTH_MODE=none)");
            }
        }
        if (authMode == "pass_through" && inboundMode == "none")
            r.Error(SettingKeys.UpstreamAuthMode, "UPSTREAM_AUTH_MODE=pass_through requires inbound Bearer auth");

        var heartbeat = r.Millis(SettingKeys.Heartbeat);
        var nodeId = r.Raw(SettingKeys.NodeId) ?? $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}";
        var channel = r.Choice(SettingKeys.NodeChannel, "stable", "canary");
        // With the embedded simulator the token endpoint's base is only known once it listens; the host fills it in.
        var actors = ActorsOptionsMapper.Map(r, authMode, bearer,
            upstreamBase?.ToString() ?? (useSimulator ? "http://127.0.0.1/" : null), nodeId, channel, isDevelopment);
        var logFormat = r.IsSet(SettingKeys.LogFormat) ? r.Choice(SettingKeys.LogFormat, "json", "text") : isDevelopment ? "text" : "json";
        if (!ToolOptions.TryParseInstructionMode(r.Raw(SettingKeys.ToolInstructionMode), out var instructionMode))
            r.Error(SettingKeys.ToolInstructionMode, $"'{r.Raw(SettingKeys.ToolInstructionMode)}' is not one of query, system, messages, both, none");
        var models = ParseModels(r.Raw(SettingKeys.ModelList), SettingKeys.ModelList.Default);
        var settings = new Mix2ApiSettings
        {
            Port = r.Int(SettingKeys.Port, 1, 65535),
            UseSimulator = useSimulator,
            SimulatorFaults = faults,
            DynamicBase = new Upstream.DynamicBaseSettings(r.Bool(SettingKeys.DynamicBaseEnabled), r.Bool(SettingKeys.DynamicBaseAllowHttp),
                r.Bool(SettingKeys.DynamicBaseAllowPrivate),
                [.. (r.Raw(SettingKeys.DynamicBaseAllowlist) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(h => h.ToLowerInvariant())]),
            UpstreamBase = upstreamBase,
            ChatPath = "/" + r.String(SettingKeys.UpstreamChatPath).TrimStart('/'),
            Referer = r.Raw(SettingKeys.UpstreamReferer),
            AcceptLanguage = r.String(SettingKeys.UpstreamAcceptLanguage),
            ConnectTimeout = r.Millis(SettingKeys.UpstreamConnectTimeout, 1),
            RetryCount = r.Int(SettingKeys.UpstreamRetryCount, 0, 10),
            RetryBase = r.Millis(SettingKeys.UpstreamRetryBase, 1),
            KeepAlive = r.Bool(SettingKeys.UpstreamKeepAlive),
            UpstreamAuthMode = authMode,
            UpstreamBearerToken = bearer,
            AgentSlug = r.String(SettingKeys.UpstreamAgentSlug),
            LocaleLocation = r.String(SettingKeys.UpstreamLocation),
            LocaleLanguage = r.String(SettingKeys.UpstreamLanguage),
            ModeSearch = r.Bool(SettingKeys.UpstreamSearch),
            DefaultPersonaId = r.Raw(SettingKeys.DefaultPersona),
            InboundAuthRequired = inboundMode == "bearer",
            InboundKeys = keys,
            ModelsRequireAuth = r.Bool(SettingKeys.ModelsRequireAuth),
            StreamDefault = r.Bool(SettingKeys.StreamDefault),
            BodyLimit = r.Bytes(SettingKeys.BodyLimit),
            MaxConcurrentRequests = EffectiveMaxRequests(r.Int(SettingKeys.MaxConcurrent), notices),
            ShutdownDrain = r.Millis(SettingKeys.ShutdownDrain),
            MemoryTrimIdle = r.Millis(SettingKeys.MemoryTrimIdle),
            BackgroundJitNice = r.Int(SettingKeys.BackgroundJitNice, min: 0, max: 19),
            BackgroundJitSliceUs = JitSlice(r),
            Models = models,
            Profiles = LoadProfiles(r, models, notices),
            ProfileWarnCacheSize = r.Int(SettingKeys.ProfileWarnCacheSize, 0),
            Budget = new BudgetOptions
            {
                TrimRecentMessages = r.Int(SettingKeys.BudgetTrimRecent, 1),
                TrimMessageMaxChars = r.Int(SettingKeys.BudgetTrimMessageMaxChars, 64),
                SummaryEnabled = r.Bool(SettingKeys.BudgetSummaryEnabled),
                SummaryMaxChars = r.Int(SettingKeys.BudgetSummaryMaxChars, 128),
                SummaryMaxLines = r.Int(SettingKeys.BudgetSummaryMaxLines, 1),
            },
            QueryMaxChars = r.Int(SettingKeys.QueryMaxChars, 100),
            ContextMaxChars = r.Int(SettingKeys.ContextMaxChars, 0),
            ToolResultMaxChars = r.Int(SettingKeys.ToolResultMaxChars, 100),
            UpstreamMessagesMax = r.Int(SettingKeys.UpstreamMessagesMax, 0),
            UpstreamMessageMaxChars = r.Int(SettingKeys.UpstreamMessageMaxChars, 100),
            ExposeStack = r.Bool(SettingKeys.ExposeStack),
            LogLevel = r.Choice(SettingKeys.LogLevel, "debug", "information", "warning", "error", "verbose", "fatal"),
            LogFormat = logFormat,
            NodeId = nodeId,
            NodeChannel = channel,
            Graph = new GraphSettings
            {
                FirstByteTimeout = r.Millis(SettingKeys.UpstreamFirstByteTimeout, 1, timeoutMs),
                IdleTimeout = r.Millis(SettingKeys.UpstreamIdleTimeout, 1, timeoutMs),
                TotalTimeout = r.Millis(SettingKeys.UpstreamTotalTimeout),
                HeartbeatInterval = heartbeat,
                MaxBadFrames = r.Int(SettingKeys.UpstreamMaxBadFrames),
                MaxFrameBytes = r.Int(SettingKeys.UpstreamMaxFrameBytes, 1024),
                SessionFromExchangeId = actors.Sessions.IdFallbackToExchange,
            },
            Tools = new ToolOptions
            {
                InstructionMode = instructionMode,
                InstructionMaxChars = r.Int(SettingKeys.ToolInstructionMaxChars, 200),
                DescriptionMaxChars = r.Int(SettingKeys.ToolDescMaxChars, 0),
                ForceToolCall = ToolOptions.ParseForceToolCall(r.Raw(SettingKeys.ForceToolCall)),
                ToolResultMaxChars = r.Int(SettingKeys.ToolResultMaxChars, 100),
            },
            Actors = actors,
            Admin = AdminSettings.Read(r),
            Traces = TraceSettings.Read(r),
            Notices = notices,
        };
        return (settings, r.Errors);
    }

    /// <summary>0, or a slice the kernel takes as given: it would raise anything under 100 µs without saying so.</summary>
    private static int JitSlice(SettingsReader r)
    {
        var slice = r.Int(SettingKeys.BackgroundJitSlice, min: 0, max: BackgroundJitPriority.MaxSliceUs);
        if (slice is > 0 and < BackgroundJitPriority.MinSliceUs)
        {
            r.Error(SettingKeys.BackgroundJitSlice, $"{slice} is under the kernel's shortest slice ({BackgroundJitPriority.MinSliceUs}); 0 keeps its default");
            return BackgroundJitPriority.DefaultSliceUs;
        }
        return slice;
    }

    /// <summary>
    /// MAX_CONCURRENT_REQUESTS, bounded by what the open-files limit can carry (0 = that bound), so running
    /// out of descriptors is a 503 for the newcomer instead of a crash for everyone.
    /// </summary>
    private static int EffectiveMaxRequests(int configured, List<string> notices)
    {
        var limit = FileDescriptorBudget.OpenFilesLimit();
        if (FileDescriptorBudget.MaxRequests(limit) is not { } budget) return configured;
        if (configured > 0 && configured <= budget) return configured;
        if (configured > 0)
            notices.Add($"MAX_CONCURRENT_REQUESTS={configured} exceeds what the open-files limit ({limit}) can carry; using {budget}. Raise `ulimit -n` for more.");
        return budget;
    }

    /// <summary>
    /// MODEL_PROFILE_DEFAULT_* and MODEL_PROFILE_JSON (SPEC §8). A bad entry or value is a start-up error, one
    /// line each; clamped values and unknown fields are notices.
    /// </summary>
    private static ModelProfiles LoadProfiles(SettingsReader r, IReadOnlyList<string> models, List<string> notices)
    {
        var defaults = new ModelProfileDefaults(
            r.Int(SettingKeys.DefaultContextWindow, 1),
            r.Int(SettingKeys.DefaultMaxInputTokens, 1),
            r.Int(SettingKeys.MaxNewTokens, 1));
        var errors = new List<string>();
        var configured = ModelProfileJson.Parse(r.Raw(SettingKeys.ModelProfileJson), defaults, errors, notices);
        foreach (var error in errors) r.Error(SettingKeys.ModelProfileJson, error);
        return new ModelProfiles(defaults, models, configured);
    }

    /// <summary>MODEL_LIST as the Node adapter reads it: a JSON array, or CSV/newline separated; trimmed, de-duplicated.</summary>
    public static IReadOnlyList<string> ParseModels(string? raw, string fallback)
    {
        IEnumerable<string> items;
        var text = raw ?? fallback;
        if (text.TrimStart().StartsWith('['))
        {
            try
            {
                items = JsonSerializer.Deserialize<List<JsonElement>>(text)!
                    .Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!);
            }
            catch (JsonException)
            {
                items = [];
            }
        }
        else
        {
            items = text.Split([',', '\n', '\r'], StringSplitOptions.None);
        }
        var list = new List<string>();
        foreach (var item in items)
        {
            var id = item.Trim();
            if (id.Length > 0 && !list.Contains(id)) list.Add(id);
        }
        return list.Count > 0 ? list : ParseModels(null, fallback);
    }
}
