namespace Mix2Api.Streams.Budget;

/// <summary>What the budget did to a request (<c>budget_action</c>).</summary>
public enum BudgetAction
{
    /// <summary>Input and output within the profile.</summary>
    Pass,
    /// <summary>Input fits, but the requested output was cut to the profile's <c>max_new_tokens</c>.</summary>
    Clamp,
    /// <summary>Input was over budget and messages were dropped or shortened to fit.</summary>
    Trim,
    /// <summary>Even trimmed the input does not fit: 400 <c>context_length_exceeded</c>, nothing sent upstream.</summary>
    Reject,
}

public static class BudgetActionNames
{
    public static string ToWire(this BudgetAction action) => action switch
    {
        BudgetAction.Pass => "pass",
        BudgetAction.Clamp => "clamp",
        BudgetAction.Trim => "trim",
        BudgetAction.Reject => "reject",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };
}
