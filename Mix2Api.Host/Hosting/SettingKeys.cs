namespace Mix2Api.Host.Hosting;

/// <summary>Every configuration key Mix2Api reads. Node adapter names first; .NET paths second.</summary>
public static class SettingKeys
{
    public static readonly SettingKey Port = new("PORT", "Mix2Api:Port", "3001", "HTTP port on all interfaces (ignored when ASPNETCORE_URLS is set).");
    public static readonly SettingKey Simulator = new("UPSTREAM_SIMULATOR", "Mix2Api:Simulator:Mode", "auto", "auto: start the built-in upstream simulator when no upstream is configured and the environment is Development; on: always use it; off: never.");
    public static readonly SettingKey SimulatorFaults = new("UPSTREAM_SIMULATOR_FAULTS", "Mix2Api:Simulator:Faults", "", "Built-in simulator only: a random fault per chat request, e.g. stall:0.02,drop:0.02,500:0.02,429:0.02,error:0.02,garbage:0.02,drip:0.02 (docs/SIMULATOR.md).");
    public static readonly SettingKey UpstreamBase = new("UPSTREAM_API_BASE", "Mix2Api:Upstream:BaseUrl", "", "Upstream site base URL (required in Production).");
    public static readonly SettingKey DynamicBaseEnabled = new("UPSTREAM_DYNAMIC_BASE_ENABLED", "Mix2Api:Upstream:DynamicBase:Enabled", "false", "Accept a per-request upstream base (header x-upstream-base-url, body upstream_base_url / upstream_api_base); docs/RELIABILITY.md.");
    public static readonly SettingKey DynamicBaseAllowHttp = new("UPSTREAM_BASE_ALLOW_HTTP", "Mix2Api:Upstream:DynamicBase:AllowHttp", "false", "Dynamic base: allow http:// (https only otherwise).");
    public static readonly SettingKey DynamicBaseAllowPrivate = new("UPSTREAM_BASE_ALLOW_PRIVATE", "Mix2Api:Upstream:DynamicBase:AllowPrivate", "false", "Dynamic base: allow private, loopback, link-local, unique-local and metadata addresses.");
    public static readonly SettingKey DynamicBaseAllowlist = new("UPSTREAM_BASE_ALLOWLIST", "Mix2Api:Upstream:DynamicBase:Allowlist", "", "Dynamic base: comma-separated hosts (and their sub-domains) allowed; only these receive the configured upstream token.");
    public static readonly SettingKey UpstreamChatPath = new("UPSTREAM_CHAT_PATH", "Mix2Api:Upstream:ChatPath", "/v2/chats", "Path of the upstream chat endpoint.");
    public static readonly SettingKey UpstreamReferer = new("UPSTREAM_REFERER", "Mix2Api:Upstream:Referer", "", "Referer header sent upstream, when set.");
    public static readonly SettingKey UpstreamAcceptLanguage = new("UPSTREAM_ACCEPT_LANGUAGE", "Mix2Api:Upstream:AcceptLanguage", "zh-CN,zh;q=0.9,en;q=0.8", "accept-language header sent upstream.");
    public static readonly SettingKey UpstreamTimeout = new("UPSTREAM_TIMEOUT_MS", "Mix2Api:Upstream:TimeoutMs", "180000", "Sets both the first-byte and the idle timeout unless those are set on their own.");
    public static readonly SettingKey UpstreamConnectTimeout = new("UPSTREAM_CONNECT_TIMEOUT_MS", "Mix2Api:Upstream:ConnectTimeoutMs", "10000", "TCP/TLS connect timeout.");
    public static readonly SettingKey UpstreamFirstByteTimeout = new("UPSTREAM_FIRST_BYTE_TIMEOUT_MS", "Mix2Api:Upstream:FirstByteTimeoutMs", "UPSTREAM_TIMEOUT_MS", "Time from the start of the upstream call (connect and headers included) to the first upstream body byte.");
    public static readonly SettingKey UpstreamIdleTimeout = new("UPSTREAM_IDLE_TIMEOUT_MS", "Mix2Api:Upstream:IdleTimeoutMs", "UPSTREAM_TIMEOUT_MS", "Longest upstream silence while the broker is asking for data (keep-alive comments count as bytes; a slow client does not).");
    public static readonly SettingKey UpstreamTotalTimeout = new("UPSTREAM_TOTAL_TIMEOUT_MS", "Mix2Api:Upstream:TotalTimeoutMs", "900000", "Deadline for a whole request; 0 disables.");
    public static readonly SettingKey UpstreamRetryCount = new("UPSTREAM_RETRY_COUNT", "Mix2Api:Upstream:RetryCount", "0", "Retries before the first byte, for connection failures and 502/503/504 only.");
    public static readonly SettingKey UpstreamRetryBase = new("UPSTREAM_RETRY_BASE_MS", "Mix2Api:Upstream:RetryBaseMs", "250", "Base of the exponential retry backoff (with jitter).");
    public static readonly SettingKey UpstreamKeepAlive = new("UPSTREAM_KEEP_ALIVE", "Mix2Api:Upstream:KeepAlive", "true", "Pool upstream connections (false: one connection per request).");
    public static readonly SettingKey UpstreamMaxBadFrames = new("UPSTREAM_MAX_BAD_FRAMES", "Mix2Api:Upstream:MaxBadFrames", "0", "Non-JSON upstream data lines tolerated per request before it fails with adapter_error.");
    public static readonly SettingKey UpstreamMaxFrameBytes = new("UPSTREAM_MAX_FRAME_BYTES", "Mix2Api:Upstream:MaxFrameBytes", "1048576", "Longest upstream SSE line (or event data) accepted; longer is a protocol error (adapter_error).");
    public static readonly SettingKey UpstreamAuthMode = new("UPSTREAM_AUTH_MODE", "Mix2Api:Upstream:AuthMode", "static", "none | static | pass_through | managed.");
    public static readonly SettingKey UpstreamBearerToken = new("UPSTREAM_BEARER_TOKEN", "Mix2Api:Upstream:BearerToken", "", "Upstream token for static mode (secret).");
    public static readonly SettingKey UpstreamAgentSlug = new("UPSTREAM_AGENT_SLUG", "Mix2Api:Upstream:AgentSlug", "web-general", "request.agent_slug sent upstream.");
    public static readonly SettingKey UpstreamLocation = new("UPSTREAM_LOCALE_LOCATION", "Mix2Api:Upstream:LocaleLocation", "Asia/Shanghai", "request.locale.location sent upstream.");
    public static readonly SettingKey UpstreamLanguage = new("UPSTREAM_LOCALE_LANGUAGE", "Mix2Api:Upstream:LocaleLanguage", "zh-CN", "request.locale.language sent upstream.");
    public static readonly SettingKey UpstreamSearch = new("UPSTREAM_MODE_SEARCH", "Mix2Api:Upstream:ModeSearch", "true", "request.modes.search sent upstream.");
    public static readonly SettingKey DefaultPersona = new("DEFAULT_PERSONA_ID", "Mix2Api:Upstream:DefaultPersonaId", "", "persona_id when the request names none.");
    public static readonly SettingKey InboundAuthMode = new("INBOUND_AUTH_MODE", "Mix2Api:Inbound:AuthMode", "bearer", "bearer | none. bearer without a key is a start-up error (in Development with no key at all, none with a warning).");
    public static readonly SettingKey InboundToken = new("INBOUND_BEARER_TOKEN", "Mix2Api:Inbound:BearerToken", "", "Accepted inbound key (secret).");
    public static readonly SettingKey InboundTokens = new("INBOUND_BEARER_TOKENS", "Mix2Api:Inbound:BearerTokens", "", "More accepted inbound keys, comma-separated (one per gateway channel; rotation).");
    public static readonly SettingKey ModelsRequireAuth = new("MODELS_REQUIRE_AUTH", "Mix2Api:Inbound:ModelsRequireAuth", "false", "Require the inbound key on GET /v1/models.");
    public static readonly SettingKey StreamDefault = new("STREAM_DEFAULT", "Mix2Api:Stream:Default", "false", "Whether a request without `stream` streams (the Node adapter streamed: true).");
    public static readonly SettingKey Heartbeat = new("SSE_HEARTBEAT_MS", "Mix2Api:Stream:HeartbeatMs", "15000", "Keep-alive comment after this much silence on a stream; 0 disables.");
    public static readonly SettingKey BodyLimit = new("BODY_SIZE_LIMIT", "Mix2Api:Limits:BodySize", "5mb", "Largest request body (bytes, or kb/mb suffix).");
    public static readonly SettingKey MaxConcurrent = new("MAX_CONCURRENT_REQUESTS", "Mix2Api:Limits:MaxConcurrentRequests", "0", "Chat requests in flight above which new ones get 503 + Retry-After; 0 = what the open-files limit can carry ((ulimit -n − 384) / 2).");
    public static readonly SettingKey ShutdownDrain = new("SHUTDOWN_DRAIN_MS", "Mix2Api:Limits:ShutdownDrainMs", "10000", "On shutdown, how long running streams may finish before they end with the error event.");
    public static readonly SettingKey MemoryTrimIdle = new("MEMORY_TRIM_IDLE_MS", "Mix2Api:Limits:MemoryTrimIdleMs", "10000", "After this long without a chat request, one aggressive GC returns the heap's unused memory to the OS (when the GC holds 32 MiB more than the heap needs); 0 disables.");
    public static readonly SettingKey BackgroundJitNice = new("JIT_BACKGROUND_NICE", "Mix2Api:Runtime:BackgroundJitNice", "0", "Linux: nice value (1-19) for the runtime's tiered-compilation worker, so recompiling hot code waits for gaps between requests; 0 (the default) leaves it as the runtime made it, which finishes recompiling sooner under load (docs/BENCHMARKS.md).");
    public static readonly SettingKey BackgroundJitSlice = new("JIT_BACKGROUND_SLICE_US", "Mix2Api:Runtime:BackgroundJitSliceUs", "100", "Linux 6.12+: the scheduler time slice (µs, 100-100000) of the runtime's tiered-compilation worker, so a request thread that wakes while it compiles gets the core within that time instead of the kernel's default slice (1.4 ms on two cores, up to 2.8 ms); 0 leaves the kernel's default (docs/OPERATIONS.md).");
    public static readonly SettingKey ModelList = new("MODEL_LIST", "Mix2Api:Models:List", "mix/qwen-3-235b-instruct,mix/claude-sonnet-4-5", "Model ids for GET /v1/models: CSV, newline-separated or a JSON array.");
    public static readonly SettingKey ModelProfileJson = new("MODEL_PROFILE_JSON", "Mix2Api:Models:ProfileJson", "{}", "Per-model token limits: a JSON object keyed by model id, each {context_window, max_input_tokens, max_new_tokens} (camelCase accepted); see docs/BUDGET.md.");
    public static readonly SettingKey DefaultContextWindow = new("MODEL_PROFILE_DEFAULT_CONTEXT_WINDOW", "Mix2Api:Models:DefaultContextWindow", "200000", "Context window (tokens) of a model no profile configures.");
    public static readonly SettingKey DefaultMaxInputTokens = new("MODEL_PROFILE_DEFAULT_MAX_INPUT_TOKENS", "Mix2Api:Models:DefaultMaxInputTokens", "160000", "Input budget (tokens) of a model no profile configures (capped by its window).");
    public static readonly SettingKey MaxNewTokens = new("MODEL_PROFILE_DEFAULT_MAX_NEW_TOKENS", "Mix2Api:Models:DefaultMaxNewTokens", "8192", "Largest output (tokens) of a model no profile configures; the upstream max_tokens when the request sets none (no silent 1024 cap).");
    public static readonly SettingKey ProfileWarnCacheSize = new("MODEL_PROFILE_FALLBACK_WARN_CACHE_SIZE", "Mix2Api:Models:FallbackWarnCacheSize", "1024", "Model ids remembered so that 'no profile, default used' is logged once per model.");
    public static readonly SettingKey BudgetTrimRecent = new("BUDGET_TRIM_RECENT_MESSAGES", "Mix2Api:Budget:TrimRecentMessages", "6", "Over budget: recent messages worth keeping whole before every kept message is shortened to fit more.");
    public static readonly SettingKey BudgetTrimMessageMaxChars = new("BUDGET_TRIM_MESSAGE_MAX_CHARS", "Mix2Api:Budget:TrimMessageMaxChars", "1200", "Over budget: size (chars) each kept message and the system prompt are shortened to, head+tail (min 64).");
    public static readonly SettingKey BudgetSummaryEnabled = new("BUDGET_HISTORY_SUMMARY_ENABLED", "Mix2Api:Budget:SummaryEnabled", "false", "Over budget: put a short summary of the dropped messages in the query's history section.");
    public static readonly SettingKey BudgetSummaryMaxChars = new("BUDGET_HISTORY_SUMMARY_MAX_CHARS", "Mix2Api:Budget:SummaryMaxChars", "600", "Cap (chars) of that summary (min 128).");
    public static readonly SettingKey BudgetSummaryMaxLines = new("BUDGET_HISTORY_SUMMARY_MAX_LINES", "Mix2Api:Budget:SummaryMaxLines", "10", "Dropped messages (the most recent) that the summary covers, one line each.");
    public static readonly SettingKey QueryMaxChars = new("QUERY_MAX_CHARS", "Mix2Api:Query:MaxChars", "30000", "Cap of the composed upstream query.");
    public static readonly SettingKey ContextMaxChars = new("CONTEXT_MAX_CHARS", "Mix2Api:Query:ContextMaxChars", "20000", "Cap of the [对话历史] section.");
    public static readonly SettingKey ToolResultMaxChars = new("TOOL_RESULT_MAX_CHARS", "Mix2Api:Query:ToolResultMaxChars", "20000", "Cap of each tool result in the query.");
    public static readonly SettingKey ToolInstructionMode = new("TOOL_INSTRUCTION_MODE", "Mix2Api:Tools:InstructionMode", "query", "Where the tool instruction goes: query | system (alias messages) | both | none.");
    public static readonly SettingKey ToolInstructionMaxChars = new("TOOL_INSTRUCTION_MAX_CHARS", "Mix2Api:Tools:InstructionMaxChars", "12000", "Cap of the tool instruction; detail is dropped gracefully to fit.");
    public static readonly SettingKey ToolDescMaxChars = new("TOOL_DESC_MAX_CHARS", "Mix2Api:Tools:DescriptionMaxChars", "500", "Cap of each tool description in the instruction.");
    public static readonly SettingKey ForceToolCall = new("FORCE_TOOL_CALL", "Mix2Api:Tools:ForceToolCall", "", "Exactly 1: demand a tool call on every tools turn without tool results (as tool_choice required).");
    public static readonly SettingKey UpstreamMessagesMax = new("UPSTREAM_MESSAGES_MAX", "Mix2Api:Query:UpstreamMessagesMax", "20", "Non-system messages sent in the upstream `messages` array.");
    public static readonly SettingKey UpstreamMessageMaxChars = new("UPSTREAM_MESSAGE_MAX_CHARS", "Mix2Api:Query:UpstreamMessageMaxChars", "8000", "Cap of each upstream message's content.");
    public static readonly SettingKey ExposeStack = new("EXPOSE_STACK", "Mix2Api:Diagnostics:ExposeStack", "false", "Add the exception stack to 500 adapter_error bodies (debugging only).");
    public static readonly SettingKey LogLevel = new("LOG_LEVEL", "Mix2Api:Diagnostics:LogLevel", "Information", "Minimum log level: Debug, Information, Warning, Error.");
    public static readonly SettingKey LogFormat = new("LOG_FORMAT", "Mix2Api:Diagnostics:LogFormat", "json (text in Development)", "json: one JSON object per line (Production); text: readable lines. Akka's own log goes the same way.");
    public static readonly SettingKey NodeId = new("NODE_ID", "Mix2Api:Node:Id", "<hostname>-<pid>", "This node's id in logs and health.");
    public static readonly SettingKey NodeChannel = new("NODE_CHANNEL", "Mix2Api:Node:Channel", "stable", "stable | canary: the rollout channel this node serves, and its Akka cluster role.");

    public static readonly SettingKey AdminHost = new("ADMIN_HOST", "Mix2Api:Admin:Host", "127.0.0.1", "Address of the admin endpoint (the API `ctl` talks to); a non-loopback address requires ADMIN_TOKEN.");
    public static readonly SettingKey AdminPort = new("ADMIN_PORT", "Mix2Api:Admin:Port", "9110", "Port of the admin endpoint (pbm's port); 0 disables it.");
    public static readonly SettingKey AdminToken = new("ADMIN_TOKEN", "Mix2Api:Admin:Token", "", "Bearer token the admin endpoint requires (secret; required when ADMIN_HOST is not loopback).");
    public static readonly SettingKey VerdictWindow = new("VERDICT_WINDOW_MS", "Mix2Api:Admin:VerdictWindowMs", "900000", "Sliding window of the rollback verdict (the seeds' 10-15 minute rule).");
    public static readonly SettingKey TraceSamplingRate = new("TRACE_SAMPLING_RATE", "Mix2Api:Traces:SamplingRate", "0", "Share of requests (0-1) whose redacted summary is kept as a trace; 0 disables.");
    public static readonly SettingKey TraceRetention = new("TRACE_RETENTION_MS", "Mix2Api:Traces:RetentionMs", "86400000", "How long a sampled trace is kept (Redis PEXPIRE, or the in-memory expiry).");
    public static readonly SettingKey TraceMaxEntries = new("TRACE_MAX_ENTRIES", "Mix2Api:Traces:MaxEntries", "1000", "Bound of the in-memory trace store (oldest dropped first).");

    /// <summary>Every key: the host's and the actor layer's (<see cref="ActorsSettingKeys"/>).</summary>
    public static IReadOnlyList<SettingKey> All => [.. Host, .. Operations, .. ActorsSettingKeys.All];

    /// <summary>The admin endpoint, the rollout verdict and sampled traces.</summary>
    public static readonly IReadOnlyList<SettingKey> Operations =
    [
        AdminHost, AdminPort, AdminToken, VerdictWindow, TraceSamplingRate, TraceRetention, TraceMaxEntries,
    ];

    public static readonly IReadOnlyList<SettingKey> Host =
    [
        Port, Simulator, SimulatorFaults, UpstreamBase, DynamicBaseEnabled, DynamicBaseAllowHttp, DynamicBaseAllowPrivate, DynamicBaseAllowlist, UpstreamChatPath, UpstreamReferer, UpstreamAcceptLanguage, UpstreamTimeout,
        UpstreamConnectTimeout, UpstreamFirstByteTimeout, UpstreamIdleTimeout, UpstreamTotalTimeout, UpstreamRetryCount,
        UpstreamRetryBase, UpstreamKeepAlive, UpstreamMaxBadFrames, UpstreamMaxFrameBytes, UpstreamAuthMode,
        UpstreamBearerToken, UpstreamAgentSlug, UpstreamLocation, UpstreamLanguage, UpstreamSearch, DefaultPersona,
        InboundAuthMode, InboundToken, InboundTokens, ModelsRequireAuth, StreamDefault, Heartbeat, BodyLimit,
        MaxConcurrent, ShutdownDrain, MemoryTrimIdle, BackgroundJitNice, BackgroundJitSlice, ModelList, ModelProfileJson, DefaultContextWindow, DefaultMaxInputTokens, MaxNewTokens,
        ProfileWarnCacheSize, BudgetTrimRecent, BudgetTrimMessageMaxChars, BudgetSummaryEnabled, BudgetSummaryMaxChars,
        BudgetSummaryMaxLines, QueryMaxChars, ContextMaxChars, ToolResultMaxChars,
        ToolInstructionMode, ToolInstructionMaxChars, ToolDescMaxChars, ForceToolCall,
        UpstreamMessagesMax, UpstreamMessageMaxChars, ExposeStack, LogLevel, LogFormat, NodeId, NodeChannel,
    ];
}
