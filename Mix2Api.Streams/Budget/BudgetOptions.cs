namespace Mix2Api.Streams.Budget;

/// <summary>How an over-budget request is trimmed (digest §9.5 keys).</summary>
public sealed record BudgetOptions
{
    /// <summary>BUDGET_TRIM_RECENT_MESSAGES: recent messages worth keeping whole before every message is shortened.</summary>
    public int TrimRecentMessages { get; init; } = 6;
    /// <summary>BUDGET_TRIM_MESSAGE_MAX_CHARS: each message's (and the system prompt's) size when shortened.</summary>
    public int TrimMessageMaxChars { get; init; } = 1200;
    /// <summary>BUDGET_HISTORY_SUMMARY_ENABLED.</summary>
    public bool SummaryEnabled { get; init; }
    /// <summary>BUDGET_HISTORY_SUMMARY_MAX_CHARS.</summary>
    public int SummaryMaxChars { get; init; } = 600;
    /// <summary>BUDGET_HISTORY_SUMMARY_MAX_LINES.</summary>
    public int SummaryMaxLines { get; init; } = 10;
}
